import AIGCCore
import AIGCFormats
import Foundation

/// `aigc corpus inspect`: reads a built corpus back and renders rows as text with the trained spans marked, so a
/// human can check templates, masks and packing. Works for every output format.
public struct CorpusInspector {
    public let directory: URL
    public let manifest: DatasetManifest
    /// Decodes ordinary ids; special ids are rendered from the manifest's `special_tokens`.
    public let decode: ([UInt32]) -> [UInt8]
    public static let trainedOpen = "⟦", trainedClose = "⟧"

    public init(directory: URL, decode: @escaping ([UInt32]) -> [UInt8]) throws {
        self.directory = directory
        manifest = try CorpusLayout.readManifest(in: directory)
        self.decode = decode
    }

    /// Checks every file the manifest lists against its recorded size and SHA-256, so a corpus whose files were
    /// changed, truncated or corrupted after the build (a damaged Megatron `.idx`, a half-copied shard) is refused
    /// with the file's name instead of summarized as if whole. Returns the number of files checked.
    @discardableResult
    public func verifyFiles() throws -> Int {
        for f in manifest.files {
            let url = directory.appendingPathComponent(f.path)
            guard let file = FileHandle(forReadingAtPath: url.path) else {
                throw AIGCError.input(location: url.path, message: "listed in the manifest but cannot be opened")
            }
            defer { try? file.close() }
            var hasher = SHA256()
            var size = 0
            while true {
                let chunk: Data?
                do { chunk = try file.read(upToCount: 1 << 20) } catch {
                    throw AIGCError.io("\(url.path): read failed: \(error.localizedDescription)")
                }
                guard let chunk, !chunk.isEmpty else { break }
                size += chunk.count
                chunk.withUnsafeBytes { hasher.update(buffer: $0) }
            }
            guard size == f.bytes else {
                throw AIGCError.input(location: url.path, message: "\(size) bytes, the manifest records \(f.bytes): the file changed after the build")
            }
            guard hasher.finalizeHex() == f.sha256 else {
                throw AIGCError.input(location: url.path, message: "SHA-256 differs from the manifest's: the file changed after the build")
            }
        }
        return manifest.files.count
    }

    /// One row: ids, labels (-100 = not trained), segment ids (0 = padding) — or nil past the end.
    public func row(_ index: Int, split: Split = .train) throws -> (ids: [Int32], labels: [Int32], segments: [Int32])? {
        let format = OutputFormat(rawValue: manifest.options["output_format"] ?? "") ?? .safetensors
        let seqLen = Int(manifest.options["seq_len"] ?? "") ?? 0
        switch format {
        case .safetensors, .npy:
            let perShard = Int(manifest.options["rows_per_shard"] ?? "") ?? 1
            let shard = index / max(perShard, 1), r = index % max(perShard, 1)
            let base = CorpusLayout.shardBaseName(split: split.rawValue, index: shard)
            func tensor(_ name: String) throws -> [Int32]? {
                if format == .npy {
                    let url = directory.appendingPathComponent("\(base).\(name).npy")
                    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
                    return try Npy.read(contentsOf: url).int32s()
                }
                let url = directory.appendingPathComponent("\(base).safetensors")
                guard FileManager.default.fileExists(atPath: url.path) else { return nil }
                let f = try SafeTensorsFile(contentsOf: url)
                return try f.withRawBytes(name) { raw, _ in Array(raw.bindMemory(to: Int32.self)) }
            }
            guard let ids = try tensor(CorpusLayout.inputIDs), let labels = try tensor(CorpusLayout.labels), let seg = try tensor(CorpusLayout.segmentIDs) else { return nil }
            let lo = r * seqLen, hi = lo + seqLen
            guard hi <= ids.count else { return nil }
            return (Array(ids[lo..<hi]), Array(labels[lo..<hi]), Array(seg[lo..<hi]))
        case .megatron:
            let idxURL = directory.appendingPathComponent("\(split.rawValue).idx")
            guard FileManager.default.fileExists(atPath: idxURL.path) else { return nil }
            let binURL = directory.appendingPathComponent("\(split.rawValue).bin")
            let idx = try MegatronIndex.load(idx: idxURL, bin: binURL)
            guard index >= 0, index < idx.lengths.count else { return nil }
            guard idx.dtype == .uint16 || idx.dtype == .int32 else {
                throw AIGCError.input(location: idxURL.path, message: "megatron index: token dtype \(idx.dtype) (expected uint16 or int32)")
            }
            let bin = try Data(contentsOf: binURL)
            let lossURL = directory.appendingPathComponent("\(split.rawValue).loss.bin")
            let loss = try Data(contentsOf: lossURL)
            let n = Int(idx.lengths[index]), p = Int(idx.pointers[index])
            guard loss.count == bin.count / idx.dtype.size else {
                throw AIGCError.input(location: lossURL.path, message: "\(loss.count) mask bytes for \(bin.count / idx.dtype.size) tokens")
            }
            var ids: [Int32] = []
            for k in 0..<n {
                let at = p + k * idx.dtype.size
                ids.append(idx.dtype == .uint16 ? Int32(UInt16(bin[at]) | UInt16(bin[at + 1]) << 8)
                    : bin.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: Int32.self)) })
            }
            let first = p / idx.dtype.size
            let labels = (0..<n).map { loss[first + $0] != 0 ? ids[$0] : -100 }
            return (ids, labels, [Int32](repeating: 1, count: n))
        case .nanogpt:
            let url = directory.appendingPathComponent("\(split.rawValue).bin")
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            let data = try Data(contentsOf: url)
            let size = try manifest.nanoGPTTokenBytes()
            let wide = size == 4
            let lo = index * seqLen * size
            guard lo < data.count else { return nil }
            let hi = min(data.count, lo + seqLen * size)
            var ids: [Int32] = []
            var at = lo
            while at + size <= hi {
                ids.append(wide ? data.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: Int32.self)) }
                           : Int32(UInt16(data[at]) | UInt16(data[at + 1]) << 8))
                at += size
            }
            return (ids, ids, [Int32](repeating: 1, count: ids.count))
        }
    }

    /// Text of a row: segments on their own lines (`--- segment k ---`), trained spans inside ⟦…⟧, padding summarized.
    public func render(ids: [Int32], labels: [Int32], segments: [Int32]) -> String {
        let specials = Dictionary(manifest.specialTokens.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        var out = ""
        var i = 0
        var segment: Int32 = -1
        var padding = 0
        while i < ids.count {
            if segments[i] == 0 { padding += 1; i += 1; continue }
            if segments[i] != segment {
                segment = segments[i]
                out += (out.isEmpty ? "" : "\n") + "--- segment \(segment) ---\n"
            }
            let trained = labels[i] != -100
            var j = i
            while j < ids.count && segments[j] == segment && (labels[j] != -100) == trained { j += 1 }
            var text = ""
            var pending: [UInt32] = []
            for k in i..<j {
                let id = UInt32(bitPattern: ids[k])
                if let s = specials[id] {
                    text += String(decoding: decode(pending), as: UTF8.self) + s
                    pending = []
                } else { pending.append(id) }
            }
            text += String(decoding: decode(pending), as: UTF8.self)
            out += trained ? Self.trainedOpen + text + Self.trainedClose : text
            i = j
        }
        if padding > 0 { out += "\n--- padding: \(padding) tokens ---" }
        return out
    }
}
