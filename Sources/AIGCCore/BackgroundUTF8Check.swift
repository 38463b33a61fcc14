import Foundation

/// Finds the first invalid UTF-8 byte of a whole input on its own thread, reading it block by block into one reused
/// buffer (nothing is kept): `aigc encode` checks a large file this way while it loads the vocabulary, then reads
/// and encodes it window by window (`Tokenizer.encodeOrdinary(reading:…)`), so the text never has to be held
/// whole. The answer equals `UTF8Bytes.firstInvalid` of the whole input: a block is checked up to the end of its
/// last complete sequence, and the few bytes that the next block may still complete are carried over.
public final class BackgroundUTF8Check: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<Int?, Error> = .success(nil)
    static let block = 1 << 22

    public init(path: String?) {
        let opened = Result { try InputFile(path: path) }
        nonisolated(unsafe) let file = opened
        let thread = Thread { [self] in
            outcome = file.flatMap { f in Result { try BackgroundUTF8Check.firstInvalid(f) } }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Offset of the first invalid UTF-8 byte, or nil (waits for the check; rethrows an open or read error).
    public func firstInvalid() throws -> Int? {
        done.wait()
        done.signal()
        return try outcome.get()
    }

    static func firstInvalid(_ f: InputFile, block: Int = BackgroundUTF8Check.block) throws -> Int? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block + 4, alignment: 64)
        defer { buffer.deallocate() }
        var held = 0, base = 0
        while true {
            let n = try f.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[held..<(held + block)]))
            let text = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: held + n)
            if n == 0 {
                return UTF8Bytes.firstInvalid(text).map { base + $0 }
            }
            let complete = UTF8Bytes.completePrefixLength(text)
            if let bad = UTF8Bytes.firstInvalid(UnsafeBufferPointer(rebasing: text[..<complete])) { return base + bad }
            held = text.count - complete
            if held > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + complete, byteCount: held) }
            base += complete
        }
    }

    /// Test hook: the block-by-block check with a given block size.
    package static func firstInvalidForTesting(path: String, block: Int) throws -> Int? {
        try firstInvalid(InputFile(path: path), block: block)
    }
}
