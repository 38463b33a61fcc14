import ArgumentParser
import AIGC
import Foundation

struct DecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode token ids back to text bytes (the inverse of encode).",
        discussion: """
        Text input: ids separated by whitespace. u16/u32: raw little-endian ids. With --lines each input line \
        (text) or each terminated run (u16 0xFFFF / u32 0xFFFFFFFF) is decoded to one output line ending in \\n. \
        Output is the exact bytes (never re-encoded), so `aigc encode … | aigc decode …` returns the input.
        """
    )

    @OptionGroup var tok: TokenizerOptions
    @Flag(help: "Decode each line (or terminated run) separately, writing one line each.")
    var lines = false
    @Option(help: "Input format: text, u16, u32.")
    var format: IdInputFormat = .text
    @Option(name: .shortAndLong, help: "Write here (atomically) instead of stdout.")
    var output: String?
    @Argument(help: "Input file (default: stdin).")
    var file: String?

    func run() async throws {
        try await runCLI {
            let t = try tok.load()
            let input = try InputFile.readAll(file)
            let sink = try OutputFile(path: output)
            let location = file ?? "stdin"
            func emit(_ ids: [UInt32], where w: String) throws {
                do {
                    var bytes = try t.decodeBytes(ids)
                    if lines { bytes.append(0x0A) }
                    try sink.write(bytes)
                } catch let e as AIGCError {
                    throw AIGCError.input(location: w, message: e.description)
                }
            }
            switch format {
            case .text:
                var ids: [UInt32] = []
                var line = 1
                var i = 0
                let n = input.count
                var lineStart = 0
                while i < n {
                    let b = input[i]
                    if b >= 0x30 && b <= 0x39 {
                        var v: UInt64 = 0
                        let start = i
                        while i < n && input[i] >= 0x30 && input[i] <= 0x39 {
                            v = v * 10 + UInt64(input[i] - 0x30)
                            if v > UInt64(UInt32.max) {
                                throw AIGCError.input(location: "\(location):\(line)", message: "id at column \(start - lineStart + 1) is too large")
                            }
                            i += 1
                        }
                        ids.append(UInt32(v))
                        continue
                    }
                    if b == 0x0A {
                        if lines { try emit(ids, where: "\(location):\(line)"); ids.removeAll(keepingCapacity: true) }
                        line += 1; i += 1; lineStart = i
                        continue
                    }
                    if b == 0x20 || b == 0x09 || b == 0x0D { i += 1; continue }
                    throw AIGCError.input(location: "\(location):\(line)", message: "expected a token id at column \(i - lineStart + 1)")
                }
                if !lines { try emit(ids, where: location) } else if !ids.isEmpty || (n > 0 && input[n - 1] != 0x0A) {
                    try emit(ids, where: "\(location):\(line)")
                }
            case .u16, .u32:
                let w = format == .u16 ? 2 : 4
                guard input.count % w == 0 else {
                    throw AIGCError.input(location: location, message: "size \(input.count) is not a multiple of \(w) bytes")
                }
                let term: UInt32 = format == .u16 ? 0xFFFF : 0xFFFF_FFFF
                var ids: [UInt32] = []
                ids.reserveCapacity(input.count / w)
                var run = 1
                try input.withUnsafeBytes { raw in
                    for k in 0..<(input.count / w) {
                        let v = w == 2 ? UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: k * 2, as: UInt16.self)))
                            : UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: k * 4, as: UInt32.self))
                        if lines && v == term { try emit(ids, where: "\(location): run \(run)"); ids.removeAll(keepingCapacity: true); run += 1; continue }
                        ids.append(v)
                    }
                }
                if !lines { try emit(ids, where: location) } else if !ids.isEmpty { try emit(ids, where: "\(location): run \(run)") }
            }
            try sink.finish()
        }
    }
}
