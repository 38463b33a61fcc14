import AIGCCore

/// Normalizes an input of any size in bounded memory. Input arrives in chunks of any size; the normalizer cuts
/// only at safe boundaries — just after a `\n` that is followed by a printable ASCII character other than space, or
/// by a letter (general category L) that has a normalization boundary before it in all five forms (so lines of
/// Cyrillic, CJK, Indic or Arabic text can be cut too; `isSafeCut`) — so the output is byte-identical to
/// normalizing the whole text at once: no normalization segment, CRLF pair, whitespace run, word (for case
/// mapping) or line (for transliteration) straddles such a cut. Literal and regex
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
        return try cutAndNormalize()
    }

    /// `feed` of an array: when nothing is pending, the array is taken as it is (no copy).
    public mutating func feed(_ bytes: [UInt8]) throws -> [UInt8] {
        if pending.isEmpty { pending = bytes } else { pending.append(contentsOf: bytes) }
        return try cutAndNormalize()
    }

    private mutating func cutAndNormalize() throws -> [UInt8] {
        guard normalizer.isStreamable, pending.count >= chunkSize else { return [] }
        guard let cut = Self.lastSafeCut(pending, from: max(scanFloor - 1, 1)) else {
            scanFloor = pending.count
            return []
        }
        // The cut is the last safe one, so the tail is short: copy it out and truncate, instead of copying the head.
        var head = pending
        pending = Array(head[cut...])
        head.removeSubrange(cut...)
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
                head.withUnsafeBufferPointer { p in
                    while k < p.count && !Self.isSafeCut(p, k) { k += 1 }
                }
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

    /// The largest index `k` (at least `floor`) at which a chunk may be cut: `isSafeCut(bytes, k)`.
    public static func lastSafeCut(_ bytes: [UInt8], from floor: Int = 1) -> Int? {
        bytes.withUnsafeBufferPointer { p -> Int? in
            let lo = max(floor, 1)
            // j: a candidate newline at j = k - 1, scanned backwards, eight bytes at a time between newlines.
            var j = p.count - 2
            while j >= lo - 1 {
                if j >= 7 + (lo - 1), let base = p.baseAddress {
                    let w = UnsafeRawPointer(base + j - 7).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                    if (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 == 0 { j -= 8; continue }
                }
                if p[j] == 0x0A && isSafeCut(p, j + 1) { return j + 1 }
                j -= 1
            }
            return nil
        }
    }

    /// True when a chunk may end just before `p[k]` (`0 < k < p.count`): `p[k - 1]` is `\n` and `p[k]` is printable
    /// ASCII other than space, or starts a letter with a normalization boundary before it in every form.
    /// Why a letter is safe for every step: it is not whitespace, a control, a format character or a mark, so no
    /// whitespace run, CRLF pair or word straddles the cut (the `\n` ends them); with a boundary before it in all
    /// five forms, no normalization segment does; line-based steps (transliteration) cut at `\n` anyway.
    @inline(__always)
    public static func isSafeCut(_ p: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        guard p[k - 1] == 0x0A else { return false }
        let c = p[k]
        if c < 0x80 { return c > 0x20 && c < 0x7F }
        return startsBoundaryLetter(p, k)
    }

    static func startsBoundaryLetter(_ p: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        guard UTF8Bytes.validSequenceLength(p, at: k).valid else { return false }
        let c = UTF8Bytes.decode(p, at: k).scalar
        switch UnicodeInfo.category(c) {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: break
        default: return false
        }
        for form in NormalizationForm.allCases {
            guard let t = QuickCheckTable(form) else { return false }
            let e = t.entry(c)
            if e != QuickCheckTable.starter && e != QuickCheckTable.dirtyStarter { return false }
        }
        return true
    }
}
