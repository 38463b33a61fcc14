import AIGCCore
import Foundation

/// Writes token ids to an output as they are produced, in bounded memory whatever the number of ids: the encoder
/// hands over a window of ids at a time and the writer formats and writes it at once (text 64 Ki ids at a time;
/// u16/u32 directly). `.npy` needs the count in its header before the data: ids past `spillAfter` go to an unlinked
/// temporary file (in `$TMPDIR`) and are copied behind the header by `finish()`, one window at a time.
///
/// Whole-text mode (`lines: false`): all ids form one text (text format: one line, ended by `finish()`). Lines mode:
/// each `endLine()` ends a text (text: `\n`; u16/u32: the terminator 0xFFFF / 0xFFFFFFFF; not `.npy`).
/// The bytes are those of formatting all ids at once.
public final class TokenIdWriter {
    public let format: TokenIdFormat
    public let lines: Bool
    private let sink: OutputFile
    private var lineHasIds = false
    /// Ids written so far (whole-text mode: the array's length for `.npy`).
    public private(set) var count = 0
    /// `.npy`: ids held in memory until the header can be written; past `spillAfter` they go to `spill`.
    private var held: [UInt32] = []
    private let spillAfter: Int
    private var spill: Int32 = -1
    private var spilled = 0
    /// The most ids this writer ever held at once (formatting buffers and `.npy` ids): bounded by the larger of
    /// `spillAfter` and one handed-over array (tests check it).
    public private(set) var maxHeldIds = 0

    /// `vocabularySize` is checked against the format (`u16` needs ids below 65,535: 0xFFFF is the line terminator).
    public init(format: TokenIdFormat, lines: Bool, sink: OutputFile, vocabularySize: Int, spillAfter: Int = 1 << 20) throws {
        try TokenIdWriter.check(format: format, lines: lines, vocabularySize: vocabularySize)
        self.format = format
        self.lines = lines
        self.sink = sink
        self.spillAfter = max(1, spillAfter)
    }

    deinit { if spill >= 0 { close(spill) } }

    /// Whether the format can hold these ids (a caller checks before it opens the output).
    public static func check(format: TokenIdFormat, lines: Bool, vocabularySize: Int) throws {
        if lines && format == .npy { throw AIGCError.usage("TokenIdFormat.npy holds one array; it cannot be used with TokenIdWriter.lines") }
        if format == .u16 && vocabularySize > 65535 {
            throw AIGCError.usage("TokenIdFormat.u16 needs a vocabulary below 65535 ids (this one has \(vocabularySize)); use TokenIdFormat.u32")
        }
    }

    /// Ids continuing the current text.
    public func write(_ ids: some RandomAccessCollection<UInt32>) throws {
        if ids.isEmpty { return }
        count += ids.count
        switch format {
        case .text:
            // Formatted 64 Ki ids at a time: a giant array (one line of letters) needs no second copy as text.
            var out: [UInt8] = []
            out.reserveCapacity(min(ids.count, 1 << 16) * 7 + 1)
            for id in ids {
                if lineHasIds { out.append(0x20) }
                lineHasIds = true
                TokenIdText.append(id, to: &out)
                if out.count >= 1 << 19 { try sink.write(out); out.removeAll(keepingCapacity: true) }
            }
            try sink.write(out)
        case .u32:
            try writeU32(ids)
        case .u16:
            var v: [UInt16] = []
            v.reserveCapacity(min(ids.count, 1 << 16))
            for id in ids {
                v.append(UInt16(truncatingIfNeeded: id))
                if v.count == 1 << 16 { try v.withUnsafeBytes { try sink.write(raw: $0) }; v.removeAll(keepingCapacity: true) }
            }
            try v.withUnsafeBytes { try sink.write(raw: $0) }
        case .npy:
            held.append(contentsOf: ids)
            maxHeldIds = max(maxHeldIds, held.count)
            if held.count > spillAfter { try spillHeld() }
        }
        lineHasIds = true
    }

    private func writeU32(_ ids: some RandomAccessCollection<UInt32>) throws {
        if try ids.withContiguousStorageIfAvailable({ try sink.write(raw: UnsafeRawBufferPointer($0)) }) != nil { return }
        try Array(ids).withUnsafeBytes { try sink.write(raw: $0) }
    }

    /// Ends the current text (lines mode): text `\n`, u16/u32 the terminator.
    public func endLine() throws {
        guard lines else { throw AIGCError.usage("TokenIdWriter.endLine() needs TokenIdWriter.lines (whole-text output ends in finish())") }
        lineHasIds = false
        switch format {
        case .text: try sink.write([0x0A])
        case .u32: try sink.write([0xFF, 0xFF, 0xFF, 0xFF])
        case .u16: try sink.write([0xFF, 0xFF])
        case .npy: throw AIGCError.usage("TokenIdFormat.npy holds one array; it cannot be used with TokenIdWriter.lines")
        }
    }

    /// The texts of a group of lines, each with its end (lines mode), in one write.
    public func writeLines(_ texts: Int, ids: [UInt32], ends: [Int]) throws {
        guard lines && !lineHasIds else {
            throw AIGCError.usage("TokenIdWriter.writeLines needs TokenIdWriter.lines and no line left open by write(_:)")
        }
        count += ids.count
        switch format {
        case .text:
            var out: [UInt8] = []
            out.reserveCapacity(ids.count * 6 + texts)
            for k in 0..<texts { TokenIdText.line(ids[(k == 0 ? 0 : ends[k - 1])..<ends[k]], into: &out) }
            try sink.write(out)
        case .u32:
            var v: [UInt32] = []
            v.reserveCapacity(ids.count + texts)
            for k in 0..<texts { v.append(contentsOf: ids[(k == 0 ? 0 : ends[k - 1])..<ends[k]]); v.append(UInt32.max) }
            try v.withUnsafeBytes { try sink.write(raw: $0) }
        case .u16:
            var v: [UInt16] = []
            v.reserveCapacity(ids.count + texts)
            for k in 0..<texts {
                for id in ids[(k == 0 ? 0 : ends[k - 1])..<ends[k]] { v.append(UInt16(truncatingIfNeeded: id)) }
                v.append(UInt16.max)
            }
            try v.withUnsafeBytes { try sink.write(raw: $0) }
        case .npy:
            throw AIGCError.usage("TokenIdFormat.npy holds one array; it cannot be used with TokenIdWriter.lines")
        }
    }

    /// Moves the held `.npy` ids to the temporary file (made on first use, unlinked at once).
    private func spillHeld() throws {
        if spill < 0 {
            let dir = FileManager.default.temporaryDirectory.path
            var template = Array("\(dir)/aigc-encode-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { p in p.baseAddress.map { mkstemp($0) } ?? -1 }
            guard fd >= 0 else { throw AIGCError.io("\(dir): cannot create a temporary file for the .npy ids: \(POSIXFile.reason())") }
            template.withUnsafeBufferPointer { p in _ = p.baseAddress.map { unlink($0) } }
            spill = fd
        }
        try held.withUnsafeBytes { try POSIXFile.writeAll(spill, $0, name: "the temporary file of the .npy ids") }
        spilled += held.count
        held.removeAll(keepingCapacity: true)
    }

    /// Completes the output: the text format's final `\n` (whole-text mode), the `.npy` header and its ids; then
    /// the sink is finished (a file renamed into place, stdout flushed).
    public func finish() throws {
        if !lines {
            switch format {
            case .text: try sink.write([0x0A])
            case .u16, .u32: break
            case .npy:
                try sink.write(try Npy.header(dtype: .u32, shape: [count]))
                if spill >= 0 {
                    guard lseek(spill, 0, SEEK_SET) == 0 else {
                        throw AIGCError.io("the temporary file of the .npy ids: seek failed: \(POSIXFile.reason())")
                    }
                    var buffer = [UInt8](repeating: 0, count: 1 << 20)
                    var left = spilled * 4
                    while left > 0 {
                        let n = try buffer.withUnsafeMutableBytes {
                            try POSIXFile.readSome(spill, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<min(left, $0.count)]),
                                                   name: "the temporary file of the .npy ids")
                        }
                        guard n > 0 else { throw AIGCError.io("the temporary file of the .npy ids: ended early") }
                        try buffer.withUnsafeBytes { try sink.write(raw: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
                        left -= n
                    }
                }
                try held.withUnsafeBytes { try sink.write(raw: $0) }
                held = []
            }
        }
        try sink.finish()
    }
}
