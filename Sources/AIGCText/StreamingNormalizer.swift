import AIGCCore

/// Normalizes an input of any size in bounded memory. Input arrives in chunks of any size; the normalizer cuts
/// only at safe boundaries — just after a `\n` that is followed by a printable ASCII character other than space —
/// so the output is byte-identical to normalizing the whole text at once: no normalization segment, CRLF pair,
/// whitespace run, word (for case mapping) or line (for transliteration) straddles such a cut. Literal and regex
/// `Replace` patterns must not match across a newline for this to hold (pipelines with whole-text steps such as
/// HF `Strip`/`Prepend` are buffered whole).
public struct StreamingNormalizer {
    public let normalizer: TextNormalizer
    public let source: String
    /// Chunks are cut once at least this many bytes are pending.
    public var chunkSize: Int
    public private(set) var stats = NormalizationStats()
    private var pending: [UInt8] = []
    private var consumed = 0
    /// No safe cut exists in `pending[0..<scanFloor]` (avoids rescanning a newline-free input: linear time).
    private var scanFloor = 0

    /// Worker threads for a chunk: the chunk is split again at safe cuts and the pieces normalized concurrently;
    /// the output is the same for any thread count.
    public var threads: Int

    public init(_ normalizer: TextNormalizer, source: String = "", chunkSize: Int = 4 << 20, threads: Int = 1) {
        self.normalizer = normalizer
        self.source = source
        self.chunkSize = max(chunkSize, 1)
        self.threads = max(threads, 1)
    }

    /// Feeds bytes; returns normalized output for everything before the last safe cut.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws -> [UInt8] {
        pending.append(contentsOf: bytes)
        guard normalizer.isStreamable, pending.count >= chunkSize else { return [] }
        guard let cut = Self.lastSafeCut(pending, from: max(scanFloor - 1, 1)) else {
            scanFloor = pending.count
            return []
        }
        let head = Array(pending[0..<cut])
        pending.removeSubrange(0..<cut)
        scanFloor = 0
        let out = try normalizeParallel(head)
        consumed += cut
        return out
    }

    /// Splits `head` at safe cuts into up to `threads` pieces and normalizes them concurrently, in order.
    private mutating func normalizeParallel(_ head: [UInt8]) throws -> [UInt8] {
        var bounds = [0]
        if threads > 1 && head.count >= 1 << 16 {
            let step = head.count / threads
            for t in 1..<threads {
                // The first safe cut at or after the target (bounded forward scan).
                var k = max(t * step, bounds.last! + 1)
                while k < head.count && !(head[k] > 0x20 && head[k] < 0x7F && head[k - 1] == 0x0A) { k += 1 }
                if k < head.count { bounds.append(k) }
            }
        }
        bounds.append(head.count)
        let pieces = bounds.count - 1
        if pieces == 1 {
            return try normalizer.normalize(bytes: head, source: source, baseOffset: consumed, stats: &stats).bytes
        }
        let n = normalizer, src = source, base = consumed, cuts = bounds
        let parts = try Parallel.map(pieces, threads: threads) { i -> ([UInt8], NormalizationStats) in
            var st = NormalizationStats()
            let bytes = try n.normalize(bytes: Array(head[cuts[i]..<cuts[i + 1]]), source: src,
                                        baseOffset: base + cuts[i], stats: &st).bytes
            return (bytes, st)
        }
        var out: [UInt8] = []
        out.reserveCapacity(head.count + head.count / 8)
        for (bytes, st) in parts { out += bytes; stats.add(st) }
        return out
    }

    /// Normalizes what is left.
    public mutating func finish() throws -> [UInt8] {
        let head = pending
        pending = []
        let out = normalizer.isStreamable
            ? try normalizeParallel(head)
            : try normalizer.normalize(bytes: head, source: source, baseOffset: consumed, stats: &stats).bytes
        consumed += head.count
        return out
    }

    /// The largest index `k` such that `bytes[k-1] == '\n'` and `bytes[k]` is printable ASCII other than space.
    public static func lastSafeCut(_ bytes: [UInt8], from floor: Int = 1) -> Int? {
        var k = bytes.count - 1
        while k >= max(floor, 1) {
            let c = bytes[k]
            if c > 0x20 && c < 0x7F && bytes[k - 1] == 0x0A { return k }
            k -= 1
        }
        return nil
    }
}
