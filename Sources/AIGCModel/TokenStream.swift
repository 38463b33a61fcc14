import AIGCCore
import AIGCFormats
import Foundation

/// A flat stream of token ids loaded from one of the supported training-data layouts, from which training takes
/// random windows as nanoGPT does.
public struct TokenStream: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// nanoGPT's headerless `train.bin`/`val.bin`: uint16 ids (uint32 when the uint16 view contains 65535,
        /// the same rule as the reference `torch_gpt.py`).
        case nanogpt
        /// A Megatron-LM indexed dataset (`PREFIX.bin` + `PREFIX.idx`, "MMIDIDX" version 1); documents are
        /// concatenated in file order.
        case megatron
        /// A safetensors file with an integer `input_ids` (or `tokens`) tensor, flattened row by row.
        case safetensors
    }

    public let tokens: [Int32]
    public let path: String

    public init(tokens: [Int32], path: String = "<memory>") {
        self.tokens = tokens
        self.path = path
    }

    public var count: Int { tokens.count }

    /// Loads and checks every id against `vocabSize` (an id outside it is an error naming its index).
    public static func load(path: String, format: Format, vocabSize: Int) throws -> TokenStream {
        let tokens: [Int32]
        var shownPath = path
        switch format {
        case .nanogpt:
            let data = try read(path)
            // A corpus built by `aigc corpus build` says its token width in manifest.json next to the .bin.
            let manifestURL = CorpusLayout.manifestURL(in: URL(fileURLWithPath: path).deletingLastPathComponent())
            if FileManager.default.fileExists(atPath: manifestURL.path) {
                let m = try DatasetManifest.read(from: manifestURL)
                guard m.options["output_format"] == nil || m.options["output_format"] == "nanogpt" else {
                    throw AIGCError.input(location: manifestURL.path, message: "this corpus is \(m.options["output_format"]!), not nanogpt (use TokenStream.Format.\(m.options["output_format"]!))")
                }
                let width = try m.nanoGPTTokenBytes(path: manifestURL.path)
                guard data.count % width == 0 else {
                    throw AIGCError.input(location: path, message: "size \(data.count) is not a whole number of \(width == 4 ? "uint32" : "uint16") tokens (\(manifestURL.lastPathComponent) token_dtype)")
                }
                tokens = try data.withUnsafeBytes { raw in
                    try (0..<(data.count / width)).map { i -> Int32 in
                        let v = width == 4 ? raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian
                            : UInt32(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian)
                        guard let x = Int32(exactly: v) else { throw AIGCError.input(location: "\(path): token \(i)", message: "id \(v) too large") }
                        return x
                    }
                }
                break
            }
            guard data.count % 2 == 0 else {
                throw AIGCError.input(location: path, message: "size \(data.count) is not a whole number of uint16 tokens")
            }
            let u16: [UInt16] = data.withUnsafeBytes { raw in (0..<(data.count / 2)).map { raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self) } }
            if u16.contains(65535) {
                guard data.count % 4 == 0 else {
                    throw AIGCError.input(location: path, message: "contains 65535 as uint16 but is not a whole number of uint32 tokens")
                }
                tokens = try data.withUnsafeBytes { raw in
                    try (0..<(data.count / 4)).map { i -> Int32 in
                        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                        guard let x = Int32(exactly: v) else { throw AIGCError.input(location: "\(path): token \(i)", message: "id \(v) too large") }
                        return x
                    }
                }
            } else {
                tokens = u16.map { Int32($0) }
            }
        case .megatron:
            var prefix = path
            if prefix.hasSuffix(".bin") || prefix.hasSuffix(".idx") { prefix.removeLast(4) }
            shownPath = prefix + ".bin"
            let idxData = try read(prefix + ".idx")
            let dtype = try megatronDType(idxData, path: prefix + ".idx")
            // Sizes and pointers checked against the .bin (a uint16 index over int32 data is refused here).
            _ = try MegatronIndex.load(idx: URL(fileURLWithPath: prefix + ".idx"), bin: URL(fileURLWithPath: prefix + ".bin"))
            let data = try read(prefix + ".bin")
            guard data.count % dtype.size == 0 else {
                throw AIGCError.input(location: prefix + ".bin", message: "size \(data.count) is not a multiple of the \(dtype.rawValue) element size")
            }
            tokens = try data.withUnsafeBytes { try TensorConversion.int32s($0, dtype: dtype, count: data.count / dtype.size, what: prefix + ".bin") }
        case .safetensors:
            let f = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path))
            guard let name = [CorpusLayout.inputIDs, "tokens"].first(where: f.contains) else {
                throw AIGCError.input(location: path, message: "no 'input_ids' or 'tokens' tensor (has: \(f.names.joined(separator: ", ")))")
            }
            tokens = try f.int32s(name)
        }
        if let i = tokens.firstIndex(where: { $0 < 0 || Int($0) >= vocabSize }) {
            throw AIGCError.input(location: "\(shownPath): token \(i)", message: "id \(tokens[i]) is outside the vocabulary of \(vocabSize) (check GPTConfig.vocabSize)")
        }
        return TokenStream(tokens: tokens, path: shownPath)
    }

    static func read(_ path: String) throws -> Data {
        try FileContents.read(URL(fileURLWithPath: path), name: path)
    }

    /// The element type from a Megatron `.idx` header: magic `MMIDIDX\0\0`, version u64 = 1, dtype code u8.
    static func megatronDType(_ idx: Data, path: String) throws -> TensorDType {
        let magic: [UInt8] = Array("MMIDIDX".utf8) + [0, 0]
        guard idx.count >= 18, Array(idx.prefix(9)) == magic else {
            throw AIGCError.input(location: "\(path): byte 0", message: "not a Megatron index (missing MMIDIDX magic)")
        }
        let version = idx.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 9, as: UInt64.self) }
        guard version == 1 else { throw AIGCError.input(location: "\(path): byte 9", message: "unsupported index version \(version)") }
        switch idx[idx.startIndex + 17] {
        case 1: return .u8
        case 2: return .i8
        case 3: return .i16
        case 4: return .i32
        case 5: return .i64
        case 8: return .u16
        case let c: throw AIGCError.input(location: "\(path): byte 17", message: "dtype code \(c) is not an integer token type")
        }
    }

    /// Random windows like nanoGPT: `batch` start offsets uniform in 0..<(count − T − 1); inputs are
    /// tokens[i..<i+T], targets tokens[i+1...i+T].
    public func sampleBatch(batch: Int, time: Int, rng: inout Xoshiro256) -> TokenBatch {
        var x = [Int32](), y = [Int32]()
        x.reserveCapacity(batch * time); y.reserveCapacity(batch * time)
        let high = tokens.count - time - 1
        for _ in 0..<batch {
            let i = rng.nextInt(below: high)
            x.append(contentsOf: tokens[i ..< i + time])
            y.append(contentsOf: tokens[i + 1 ... i + time])
        }
        return TokenBatch(batch: batch, time: time, inputs: x, targets: y)
    }
}
