/// A share of one input file that a task of a corpus plan reads: bytes `start..<end` of input `input`. A range
/// that is not the whole file starts just after a newline and ends just after one (or at the end of the file), so
/// it holds whole lines; gzip files, JSON arrays and `text` documents are only ever read whole.
public struct InputRange: Sendable, Equatable, Hashable {
    /// Index of the file in the build's input list.
    public var input: Int
    public var start: Int
    public var end: Int

    public init(input: Int, start: Int, end: Int) {
        self.input = input
        self.start = start
        self.end = end
    }

    public var count: Int { end - start }

    /// `input:start-end`, as recorded in manifest options.
    public var label: String { "\(input):\(start)-\(end)" }
}
