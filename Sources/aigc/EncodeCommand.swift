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
    var format: IdFormat = .text
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
            // The input is read (and, for one whole text, checked for valid UTF-8) on a second thread while this one
            // loads the vocabulary.
            let reader = BackgroundFileRead(path: file, validateUTF8: !lines)
            let t = try tok.load()
            if reader.expectedSize >= 1 << 20 { t.prepareForLongText() }  // while the input is still being read
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
            if format == .u16 && t.vocabularySize > 65535 {
                throw AIGCError.usage("--format u16 needs a vocabulary below 65535 ids (this one has \(t.vocabularySize)); use u32")
            }
            let input = try reader.bytes()
            let location = file ?? "stdin"
            if !lines, let bad = reader.firstInvalidUTF8 {
                throw AIGCError.input(location: location, message: "invalid UTF-8 at byte \(bad)")
            }
            let sink = try OutputFile(path: output)
            if !lines && policy == .none && format != .npy {
                // Ids are written chunk by chunk while later chunks are still being encoded.
                var first = true
                try input.withUnsafeBufferPointer { all in
                    try t.encodeOrdinary(bytes: all) { ids in
                        tokens += ids.count
                        try writeChunk(ids, first: first, sink: sink)
                        if !ids.isEmpty { first = false }
                    }
                }
                if format == .text { try sink.write([0x0A]) }
                try sink.finish()
                return
            }
            func encodeText(_ p: UnsafeBufferPointer<UInt8>, line: Int?) throws -> [UInt32] {
                if let bad = UTF8Bytes.firstInvalid(p) {
                    let where_ = line.map { "\(location):\($0)" } ?? location
                    throw AIGCError.input(location: where_, message: "invalid UTF-8 at byte \(bad)")
                }
                if policy == .none { let ids = t.encodeOrdinary(bytes: p); try t.checkPreTokenizer(); return ids }
                return try t.encode(bytes: p, allowedSpecial: policy, disallowedSpecial: .encodeAsText)
            }
            try input.withUnsafeBufferPointer { all in
                if !lines {
                    let ids = try encodeText(all, line: nil)
                    tokens = ids.count
                    try writeIds(ids, terminator: false, sink: sink, maxId: t.vocabularySize)
                    return
                }
                // Lines in parallel groups, written in order while later groups are still being encoded.
                let ranges = Tokenizer.lineRanges(all)
                if let bad = UTF8Bytes.firstInvalid(all) {
                    // A newline byte is never inside a UTF-8 sequence: the whole text is valid iff every line is.
                    let line = ranges.firstIndex { $0.upperBound > bad } ?? ranges.count - 1
                    throw AIGCError.input(location: "\(location):\(line + 1)", message: "invalid UTF-8 at byte \(bad)")
                }
                if policy == .none {
                    try t.encodeOrdinaryDocuments(bytes: all, ranges: ranges) { group in
                        tokens += group.ids.count
                        try writeLines(group, sink: sink, maxId: t.vocabularySize)
                    }
                    return
                }
                let batch = 4096
                var b = 0
                while b < ranges.count {
                    let texts = ranges[b..<min(ranges.count, b + batch)].map { String(decoding: all[$0], as: UTF8.self) }
                    let encoded = try t.encodeBatch(texts, allowedSpecial: policy, disallowedSpecial: .encodeAsText)
                    for ids in encoded { tokens += ids.count; try writeIds(ids, terminator: true, sink: sink, maxId: t.vocabularySize) }
                    b += batch
                }
            }
            try sink.finish()
        }
    }

    /// One chunk of the ids of a whole text (text, u16 or u32; the text format's final newline is written after
    /// the last chunk).
    func writeChunk(_ ids: [UInt32], first: Bool, sink: OutputFile) throws {
        switch format {
        case .text:
            // Formatted 64 Ki ids at a time: a giant chunk (one line of letters) needs no second copy as text.
            var out: [UInt8] = []
            out.reserveCapacity(min(ids.count, 1 << 16) * 7 + 1)
            for (k, id) in ids.enumerated() {
                if k > 0 || !first { out.append(0x20) }
                IdText.append(id, to: &out)
                if out.count >= 1 << 19 { try sink.write(out); out.removeAll(keepingCapacity: true) }
            }
            try sink.write(out)
        case .u32:
            try ids.withUnsafeBytes { try sink.write(raw: $0) }
        case .u16:
            let v = ids.map { UInt16(truncatingIfNeeded: $0) }
            try v.withUnsafeBytes { try sink.write(raw: $0) }
        case .npy:
            preconditionFailure("npy is written whole")
        }
    }

    /// The lines of one group of documents (`--lines`), each with its terminator, in one write.
    func writeLines(_ group: Tokenizer.DocumentGroup, sink: OutputFile, maxId: Int) throws {
        switch format {
        case .text:
            var out: [UInt8] = []
            out.reserveCapacity(group.ids.count * 6 + group.ends.count)
            for k in group.ends.indices { IdText.line(group.ids(of: k), into: &out) }
            try sink.write(out)
        case .u32:
            var v: [UInt32] = []
            v.reserveCapacity(group.ids.count + group.ends.count)
            for k in group.ends.indices { v.append(contentsOf: group.ids(of: k)); v.append(UInt32.max) }
            try v.withUnsafeBytes { try sink.write(raw: $0) }
        case .u16:
            guard maxId <= 65535 else {
                throw AIGCError.usage("--format u16 needs a vocabulary below 65535 ids (this one has \(maxId)); use u32")
            }
            var v: [UInt16] = []
            v.reserveCapacity(group.ids.count + group.ends.count)
            for k in group.ends.indices {
                for id in group.ids(of: k) { v.append(UInt16(truncatingIfNeeded: id)) }
                v.append(UInt16.max)
            }
            try v.withUnsafeBytes { try sink.write(raw: $0) }
        case .npy:
            throw AIGCError.usage("--format npy holds one array; it cannot be used with --lines")
        }
    }

    func writeIds(_ ids: [UInt32], terminator: Bool, sink: OutputFile, maxId: Int) throws {
        switch format {
        case .text:
            var out: [UInt8] = []
            out.reserveCapacity(ids.count * 6 + 1)
            IdText.line(ids, into: &out)
            try sink.write(out)
        case .u32:
            var v = ids
            if terminator { v.append(UInt32.max) }
            try v.withUnsafeBytes { try sink.write(raw: $0) }
        case .u16:
            guard maxId <= 65535 else {
                throw AIGCError.usage("--format u16 needs a vocabulary below 65535 ids (this one has \(maxId)); use u32")
            }
            var v = ids.map { UInt16(truncatingIfNeeded: $0) }
            if terminator { v.append(UInt16.max) }
            try v.withUnsafeBytes { try sink.write(raw: $0) }
        case .npy:
            let out = try Npy.header(dtype: .u32, shape: [ids.count])
            try sink.write(out)
            try ids.withUnsafeBytes { try sink.write(raw: $0) }
        }
    }
}
