import ArgumentParser
import AIGC
import Foundation

struct EncodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode text to token ids (exactly as tiktoken / HF tokenizers).",
        discussion: """
        The whole input (file or stdin) is one text; with --lines each \\n-separated line is encoded on its own \
        (the \\n is not encoded, no line follows a final \\n) and gives one output line. Text output: ids separated \
        by single spaces, one final \\n. u16/u32: raw little-endian ids (with --lines each line is followed by the \
        terminator 0xFFFF / 0xFFFFFFFF). npy: a 1-D .npy array of uint32 (not with --lines). By default special-token \
        text is ordinary text; --allowed-special all|TOK,TOK encodes those as their special ids.
        """
    )

    @OptionGroup var tok: TokenizerOptions
    @Flag(help: "Encode each line separately.")
    var lines = false
    @Option(help: "Special tokens recognized in the text: none (default), all, or a comma-separated list.")
    var allowedSpecial: String = "none"
    @Option(help: "Output format: text, u16, u32, npy.")
    var format: TokenIdFormat = .text
    @Option(name: .shortAndLong, help: "Write here (atomically) instead of stdout.")
    var output: String?
    @Flag(help: "Print load and encode timings to stderr.")
    var stats = false
    @Argument(help: "Input file (default: stdin).")
    var file: String?

    func run() async throws {
        try await runCLI {
            if lines && format == .npy { throw ValidationError("--format npy holds one array; it cannot be used with --lines") }
            let t0 = DispatchTime.now().uptimeNanoseconds
            // While this thread loads the vocabulary, a second one checks a large file's UTF-8 block by block (the
            // file is then read and encoded window by window, never held whole), or reads any other input whole (and,
            // for one whole text, checks it). Lines are cut after a newline, so any special-token policy windows;
            // one whole text only without special tokens (a special token could straddle a safe cut).
            let windowed = lines || allowedSpecial == "none" ? try EncodeCommand.largeRegularFile(file) : nil
            let checker = windowed == nil ? nil : BackgroundUTF8Check(path: file)
            let reader = windowed == nil ? BackgroundFileRead(path: file, validateUTF8: !lines) : nil
            let t = try tok.load()
            if (reader?.expectedSize ?? windowed?.size ?? 0) >= 1 << 20 { t.prepareForLongText() }  // during the read
            let t1 = DispatchTime.now().uptimeNanoseconds
            var tokens = 0
            defer {
                if stats {
                    let t2 = DispatchTime.now().uptimeNanoseconds
                    let secs = Double(t2 - t1) / 1e9
                    logStderr(String(format: "aigc encode: %@ loaded in %.1f ms; %d tokens in %.3f s", t.name, Double(t1 - t0) / 1e6, tokens, secs))
                }
            }
            let policy: SpecialTokenPolicy
            switch allowedSpecial {
            case "none": policy = .none
            case "all": policy = .all
            default:
                let names = allowedSpecial.split(separator: ",").map(String.init)
                for n in names where t.specialTokens[n] == nil {
                    throw AIGCError.usage("--allowed-special: \(n.debugDescription) is not a special token of \(t.name)")
                }
                policy = .some(Set(names))
            }
            try TokenIdWriter.check(format: format, lines: lines, vocabularySize: t.vocabularySize)
            let location = file ?? "stdin"
            if let windowed, let checker {
                if let bad = try checker.firstInvalid() {
                    let at = lines ? "\(location):\(try EncodeCommand.line(ofByte: bad, in: location))" : location
                    throw AIGCError.input(location: at, message: "invalid UTF-8 at byte \(bad)")
                }
                if lines {
                    // 8 MiB at a time, each window up to its last newline (the ids of a line never depend on
                    // another line): the same ids as the whole file read at once (peak on the 30 MB category mix
                    // 83–86 → ~60 MiB).
                    let writer = try TokenIdWriter(format: format, lines: true, sink: try OutputFile(path: output),
                                                   vocabularySize: t.vocabularySize)
                    try windowed.forEachWindow(window: EncodeCommand.readWindow, cut: EncodeCommand.afterLastNewline) { offset, part in
                        try EncodeCommand.recheck(part, at: offset, of: location)
                        try encodeLineRuns(t, part, Tokenizer.lineRanges(part), policy: policy, writer: writer)
                    }
                    tokens = writer.count
                    try writer.finish()
                    return
                }
                if t.canEncodeInWindows {
                    let writer = try TokenIdWriter(format: format, lines: false, sink: try OutputFile(path: output),
                                                   vocabularySize: t.vocabularySize)
                    try t.encodeOrdinary(reading: windowed, window: EncodeCommand.readWindow, check: { offset, part in
                        try EncodeCommand.recheck(part, at: offset, of: location)
                    }, emit: { try writer.write($0) })
                    tokens = writer.count
                    try writer.finish()
                    return
                }
            }
            let input = try reader?.bytes() ?? windowed?.readToEnd() ?? []
            if !lines, let bad = reader?.firstInvalidUTF8 {
                throw AIGCError.input(location: location, message: "invalid UTF-8 at byte \(bad)")
            }
            // Ids are written window by window as they are encoded, for any length of text or line: memory for ids
            // stays bounded (npy: past 1 Mi ids they wait in a temporary file for the header that needs their count).
            let writer = try TokenIdWriter(format: format, lines: lines, sink: try OutputFile(path: output),
                                           vocabularySize: t.vocabularySize)
            try input.withUnsafeBufferPointer { all in
                if !lines {
                    try encodeStreaming(t, all, policy: policy, writer: writer)
                    return
                }
                let ranges = Tokenizer.lineRanges(all)
                if let bad = UTF8Bytes.firstInvalid(all) {
                    // A newline byte is never inside a UTF-8 sequence: the whole text is valid iff every line is.
                    let line = ranges.firstIndex { $0.upperBound > bad } ?? ranges.count - 1
                    throw AIGCError.input(location: "\(location):\(line + 1)", message: "invalid UTF-8 at byte \(bad)")
                }
                try encodeLineRuns(t, all, ranges, policy: policy, writer: writer)
            }
            tokens = writer.count
            try writer.finish()
        }
    }

    /// The input when it is a regular file of 1 MiB or more (checked, then read and encoded window by window), else nil.
    static func largeRegularFile(_ path: String?) throws -> InputFile? {
        guard let path, path != "-" else { return nil }
        let f = try InputFile(path: path)
        return (f.size ?? 0) >= 1 << 20 ? f : nil
    }

    /// Bytes of a large file read at a time: `Tokenizer.readWindow`, or (test hook) `AIGC_TEST_READ_WINDOW`, so the
    /// CLI tests cross many window edges with a small file.
    static var readWindow: Int {
        if let v = ProcessInfo.processInfo.environment["AIGC_TEST_READ_WINDOW"], let n = Int(v), n >= 64, n <= Tokenizer.readWindow { return n }
        return Tokenizer.readWindow
    }

    /// A window of a file checked whole before: a file rewritten since is caught here, before the window's ids are
    /// written.
    static func recheck(_ part: UnsafeBufferPointer<UInt8>, at offset: Int, of location: String) throws {
        if let bad = UTF8Bytes.firstInvalid(part) {
            throw AIGCError.input(location: location, message: "invalid UTF-8 at byte \(offset + bad) (the file changed while it was read)")
        }
    }

    /// The end of a window of lines: just after its last newline (nil: none yet, the window grows).
    static func afterLastNewline(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        text.lastIndex(of: 0x0A).map { $0 + 1 }
    }

    /// The 1-based line of byte `offset` of a file (newlines before it + 1), read again window by window: only
    /// for the message of an invalid byte the block-by-block check found.
    static func line(ofByte offset: Int, in path: String) throws -> Int {
        var newlines = 0
        try InputFile(path: path).forEachWindow(window: 1 << 20, cut: { $0.count }) { base, part in
            let n = min(part.count, max(0, offset - base))
            newlines += part[..<n].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        return newlines + 1
    }

    /// The lines `ranges` of `all`, each ended by its terminator: runs of ordinary lines in parallel groups, written
    /// in order while later groups are still being encoded; a line over `EncodeCommand.longLine` bytes on its own,
    /// streamed like a whole text.
    func encodeLineRuns(_ t: Tokenizer, _ all: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int>],
                        policy: SpecialTokenPolicy, writer: TokenIdWriter) throws {
        var k = 0
        while k < ranges.count {
            if ranges[k].count > EncodeCommand.longLine {
                try encodeStreaming(t, UnsafeBufferPointer(rebasing: all[ranges[k]]), policy: policy, writer: writer)
                try writer.endLine()
                k += 1
                continue
            }
            var e = k + 1
            while e < ranges.count && ranges[e].count <= EncodeCommand.longLine { e += 1 }
            try encodeLines(t, all, Array(ranges[k..<e]), policy: policy, writer: writer)
            k = e
        }
    }

    /// Lines longer than this are encoded as whole texts (chunked, parallel, streamed) instead of inside a group.
    static let longLine = 1 << 20

    /// One whole text, its ids written as they come.
    func encodeStreaming(_ t: Tokenizer, _ p: UnsafeBufferPointer<UInt8>, policy: SpecialTokenPolicy,
                         writer: TokenIdWriter) throws {
        if policy == .none {
            try t.encodeOrdinary(bytes: p) { try writer.write($0) }
        } else {
            try t.encode(bytes: p, allowedSpecial: policy, disallowedSpecial: .encodeAsText) { try writer.write($0) }
        }
    }

    /// Lines of ordinary length, each ended by its terminator.
    func encodeLines(_ t: Tokenizer, _ all: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int>],
                     policy: SpecialTokenPolicy, writer: TokenIdWriter) throws {
        if policy == .none {
            try t.encodeOrdinaryDocuments(bytes: all, ranges: ranges) { group in
                try writer.writeLines(group.ends.count, ids: group.ids, ends: group.ends)
            }
            return
        }
        let batch = 4096
        var b = 0
        while b < ranges.count {
            let texts = ranges[b..<min(ranges.count, b + batch)].map { String(decoding: all[$0], as: UTF8.self) }
            let encoded = try t.encodeBatch(texts, allowedSpecial: policy, disallowedSpecial: .encodeAsText)
            for ids in encoded { try writer.write(ids); try writer.endLine() }
            b += batch
        }
    }
}
