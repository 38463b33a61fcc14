import AIGCCore
import AIGCFormats
import Foundation

/// The four `.npy` files of one shard (`npy` output), written as its rows are packed instead of held in memory until
/// the shard is complete: each file gets a header for a full shard, the rows as they come, and at `commit` the header
/// for the rows it really holds (the same length: a `.npy` v1.0 header is padded to 64 bytes, and `[rows, seqLen]`
/// within `TensorShardOutput`'s limits always fits in 128), then its SHA-256 is computed by reading it back, and it
/// is renamed into place atomically. A shard's rows were faulted into memory (~4% of a build's CPU) and written
/// and hashed only when it completed — for the last shard, after everything else had finished.
final class NpyShardStream {
    let base: String
    let index: Int
    let seqLen: Int
    /// Rows written so far.
    private(set) var rows = 0
    private let writers: [AtomicFileWriter]
    private let headerLength: Int

    init(directory: URL, split: Split, index: Int, seqLen: Int, maxRows: Int) throws {
        self.index = index
        self.seqLen = seqLen
        base = CorpusLayout.shardBaseName(split: split.rawValue, index: index)
        let header = try Npy.header(dtype: .i32, shape: [maxRows, seqLen])
        headerLength = header.count
        var ws: [AtomicFileWriter] = []
        for name in TensorShardOutput.tensorNames {
            let w = try AtomicFileWriter(url: directory.appendingPathComponent("\(base).\(name).npy"), hashing: false)
            try header.withUnsafeBytes { try w.write(bytes: $0) }
            ws.append(w)
        }
        writers = ws
    }

    /// Appends the first `count` rows of `block` to the four files.
    func append(_ block: RowBlock, rows count: Int) throws {
        let n = count * seqLen
        let tensors = [block.inputIDs, block.labels, block.positionIDs, block.segmentIDs]
        for (w, values) in zip(writers, tensors) {
            try values.withUnsafeBytes { try w.write(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<(n * 4)])) }
        }
        rows += count
    }

    /// The rows written so far, read back (a checkpoint records the rows of unfinished shards).
    func readBack() throws -> RowBlock {
        var block = RowBlock(seqLen: seqLen)
        let n = rows * seqLen
        var tensors: [[Int32]] = []
        for w in writers {
            var values = [Int32](repeating: 0, count: n)
            try values.withUnsafeMutableBytes { try w.read(at: headerLength, into: $0) }
            tensors.append(values)
        }
        block.inputIDs = tensors[0]; block.labels = tensors[1]; block.positionIDs = tensors[2]; block.segmentIDs = tensors[3]
        return block
    }

    /// Writes the real header, hashes and renames the four files (on up to `threads` threads). An error is rethrown
    /// after every file's attempt (the first by tensor order).
    func commit(threads: Int) throws -> [WrittenFile] {
        let header = try Npy.header(dtype: .i32, shape: [rows, seqLen])
        guard header.count == headerLength else {
            throw AIGCError.io("\(base): internal: .npy header of \(header.count) bytes for \(rows) rows, \(headerLength) reserved")
        }
        let writers = self.writers
        return try Parallel.map(writers.count, threads: threads) { i -> WrittenFile in
            let w = writers[i]
            try header.withUnsafeBytes { try w.overwrite(at: 0, bytes: $0) }
            try w.commit(hashingFile: true)
            return WrittenFile(url: w.url, bytes: w.bytesWritten, sha256: w.sha256)
        }
    }
}
