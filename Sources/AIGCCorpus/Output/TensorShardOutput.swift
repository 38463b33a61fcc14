import AIGCCore
import AIGCFormats
import Foundation

/// Packs documents into rows per split and writes them in shards of `rowsPerShard` rows:
/// `{split}-{shard:05d}.safetensors` (int32 `input_ids`, `labels`, `position_ids`, `segment_ids`, each
/// `[rows, seq_len]`) or the same four tensors as `{split}-{shard:05d}.{tensor}.npy`. Memory: one shard.
public final class TensorShardOutput: CorpusOutput {
    public let directory: URL
    public let format: OutputFormat
    public let rowsPerShard: Int
    private var packers: [Split: Packer] = [:]
    private var blocks: [Split: RowBlock] = [:]
    private var shardCounts: [Split: Int] = [:]
    private var files: [WrittenFile] = []
    private let seqLen: Int
    /// Threads writing (and hashing) the four `.npy` files of a shard at once.
    private let writeThreads: Int
    /// `npy`: each split's unfinished shard, its rows already in its files (`NpyShardStream`); `blocks` then hold only
    /// the rows packed since the last `streamRows`.
    private var streams: [Split: NpyShardStream] = [:]
    /// `npy`: rows are moved from a block to its shard's files once this many are packed (default ~256 KiB per
    /// tensor; any value gives the same files).
    private let streamRows: Int

    public static let tensorNames = CorpusLayout.tensorNames

    public private(set) var wantsCheckpoint = false

    public init(directory: URL, format: OutputFormat, packing: PackingMode, seqLen: Int, padID: UInt32, rowsPerShard: Int,
                resume: OutputCheckpoint? = nil, writeThreads: Int = 1, streamRows: Int? = nil) {
        self.writeThreads = max(1, min(writeThreads, 4))
        self.directory = directory
        self.format = format
        self.rowsPerShard = max(1, rowsPerShard)
        self.seqLen = seqLen
        self.streamRows = max(1, streamRows ?? (256 << 10) / max(1, 4 * seqLen))
        for s in Split.allCases {
            packers[s] = Packer(mode: packing, seqLen: seqLen, padID: padID)
            blocks[s] = RowBlock(seqLen: seqLen)
        }
        let reserved = format == .npy ? min(self.rowsPerShard, self.streamRows) : self.rowsPerShard
        for s in Split.allCases { blocks[s]!.reserve(rows: reserved + 2) }
        if let r = resume {
            for s in Split.allCases {
                if let p = r.packers[s.rawValue] { packers[s] = p }
                if let b = r.blocks[s.rawValue] { blocks[s] = b }
                if let c = r.shardCounts[s.rawValue] { shardCounts[s] = c }
            }
            files = r.files.map { WrittenFile(url: directory.appendingPathComponent($0.path), bytes: $0.bytes, sha256: $0.sha256) }
        }
    }

    public func checkpoint() throws -> OutputCheckpoint {
        wantsCheckpoint = false
        var c = OutputCheckpoint()
        for s in Split.allCases {
            c.packers[s.rawValue] = packers[s]
            // The rows of no complete shard, as when a shard was held in memory: an unfinished shard's files are
            // temporary (removed when a resumed build starts), so its rows are read back into the checkpoint.
            if let stream = streams[s], stream.rows > 0, let pending = blocks[s] {
                var b = try stream.readBack()
                b.inputIDs += pending.inputIDs; b.labels += pending.labels
                b.positionIDs += pending.positionIDs; b.segmentIDs += pending.segmentIDs
                c.blocks[s.rawValue] = b
            } else {
                c.blocks[s.rawValue] = blocks[s]
            }
            c.shardCounts[s.rawValue] = shardCounts[s, default: 0]
        }
        c.files = files.map { .init(path: $0.url.lastPathComponent, bytes: $0.bytes, sha256: $0.sha256) }
        return c
    }

    public var stats: [Split: DatasetManifest.SplitStats] {
        var out: [Split: DatasetManifest.SplitStats] = [:]
        for (s, p) in packers where p.stats.documents > 0 { out[s] = p.stats }
        return out
    }

    public func add(_ doc: TokenizedDocument, split: Split) throws {
        packers[split]!.add(doc, into: &blocks[split]!)
        if format == .npy {
            // Also as soon as the shard is full, so it completes (and a checkpoint follows) after the same record
            // as when shards were held in memory.
            let rows = blocks[split]!.rows
            if rows >= streamRows || rows + (streams[split]?.rows ?? 0) >= rowsPerShard { try stream(split) }
        } else if blocks[split]!.rows >= rowsPerShard {
            try writeShard(split, final: false)
        }
    }

    /// `npy`: moves the packed rows of `split` into its unfinished shard's files, completing shards as they fill
    /// (`final`: the last one too, with the rows it has).
    private func stream(_ split: Split, final: Bool = false) throws {
        var block = blocks.removeValue(forKey: split) ?? RowBlock(seqLen: seqLen)  // uniquely referenced (see writeShard)
        defer { blocks[split] = block }
        while block.rows > 0 || (final && streams[split] != nil) {
            let current: NpyShardStream
            if let s = streams[split] {
                current = s
            } else {
                current = try NpyShardStream(directory: directory, split: split, index: shardCounts[split, default: 0],
                                             seqLen: seqLen, maxRows: rowsPerShard)
                streams[split] = current
            }
            let take = min(block.rows, rowsPerShard - current.rows)
            if take > 0 {
                try current.append(block, rows: take)
                let n = take * seqLen
                block.inputIDs.removeSubrange(0..<n); block.labels.removeSubrange(0..<n)
                block.positionIDs.removeSubrange(0..<n); block.segmentIDs.removeSubrange(0..<n)
            }
            if current.rows == rowsPerShard || (final && block.rows == 0) {
                streams[split] = nil
                files += try current.commit(threads: writeThreads)
                shardCounts[split] = current.index + 1
                wantsCheckpoint = true
            }
        }
    }

    private func writeShard(_ split: Split, final: Bool) throws {
        // Taken out of the dictionary, so the block is uniquely referenced: dropping the written rows below then
        // frees or moves in place. A copy left in `blocks` made every `removeSubrange` copy the whole shard first
        // (four arrays of rows × seq_len, 120 MB for a 30 MB input: 10% of a build's main thread in page faults
        // and copies). Put back on every exit, an error included.
        var block = blocks.removeValue(forKey: split) ?? RowBlock(seqLen: seqLen)
        defer { blocks[split] = block }
        while block.rows > 0 && (final || block.rows >= rowsPerShard) {
            let rows = min(rowsPerShard, block.rows)
            let n = rows * seqLen
            let index = shardCounts[split, default: 0]
            shardCounts[split] = index + 1
            let base = CorpusLayout.shardBaseName(split: split.rawValue, index: index)
            do {  // the slices end with this scope, before the rows they view are dropped (else a copy)
                let tensors: [(String, ArraySlice<Int32>)] = [
                    (CorpusLayout.inputIDs, block.inputIDs[0..<n]), (CorpusLayout.labels, block.labels[0..<n]),
                    ("position_ids", block.positionIDs[0..<n]), ("segment_ids", block.segmentIDs[0..<n]),
                ]
                switch format {
                case .npy:
                    // Four independent files, written and hashed (SHA-256, for the manifest) on up to `writeThreads`
                    // threads: the last shard's write was ~12% of a 30 MB build's wall time, on one thread while the
                    // others had finished. An error is rethrown after every file's attempt (the first by tensor order).
                    let directory = self.directory, seqLen = self.seqLen
                    files += try Parallel.map(tensors.count, threads: writeThreads) { i -> WrittenFile in
                        let (name, values) = tensors[i]
                        let url = directory.appendingPathComponent("\(base).\(name).npy")
                        let w = try AtomicFileWriter(url: url)
                        try w.write(try Npy.header(dtype: .i32, shape: [rows, seqLen]))
                        try values.withUnsafeBytes { try w.write(bytes: $0) }
                        try w.commit()
                        return WrittenFile(url: url, bytes: w.bytesWritten, sha256: w.sha256)
                    }
                default:
                    // Streamed straight from the row buffers (no intermediate copies); the header is exactly what
                    // `SafeTensorsWriter` makes for these four tensors (checked by a test).
                    let url = directory.appendingPathComponent("\(base).safetensors")
                    let w = try AtomicFileWriter(url: url)
                    try w.write(Self.safetensorsHeader(rows: rows, seqLen: seqLen))
                    for (_, values) in tensors { try values.withUnsafeBytes { try w.write(bytes: $0) } }
                    try w.commit()
                    files.append(WrittenFile(url: url, bytes: w.bytesWritten, sha256: w.sha256))
                }
            }
            wantsCheckpoint = true
            block.inputIDs.removeSubrange(0..<n); block.labels.removeSubrange(0..<n)
            block.positionIDs.removeSubrange(0..<n); block.segmentIDs.removeSubrange(0..<n)
        }
    }

    /// The safetensors header for the four int32 `[rows, seqLen]` tensors, in `tensorNames` order, padded with
    /// spaces to a multiple of 8 bytes.
    public static func safetensorsHeader(rows: Int, seqLen: Int) -> [UInt8] {
        let n = rows * seqLen * 4
        var json = "{"
        for (k, name) in tensorNames.enumerated() {
            json += (k == 0 ? "" : ",") + "\"\(name)\":{\"dtype\":\"I32\",\"shape\":[\(rows),\(seqLen)],\"data_offsets\":[\(k * n),\((k + 1) * n)]}"
        }
        json += "}"
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        return out + header
    }

    public func finish() throws -> [WrittenFile] {
        for s in Split.allCases {
            packers[s]!.flush(into: &blocks[s]!)
            if format == .npy { try stream(s, final: true) } else { try writeShard(s, final: true) }
        }
        return files
    }
}
