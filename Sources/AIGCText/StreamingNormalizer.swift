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
        var out: [UInt8] = []
        try head.withUnsafeBufferPointer { try normalizeParallel($0) { out.append(contentsOf: $0) } }
        return out
    }

    /// Normalizes what is left.
    public mutating func finish() throws -> [UInt8] {
        let head = pending
        pending = []
        var out: [UInt8] = []
        if normalizer.isStreamable {
            try head.withUnsafeBufferPointer { try normalizeParallel($0) { out.append(contentsOf: $0) } }
        } else {
            out = try normalizer.normalize(bytes: head, source: source, baseOffset: consumed, stats: &stats).bytes
            consumed += head.count
        }
        return out
    }

    /// Normalizes everything `read` supplies and hands the output to `emit`, in order: the same output as `feed`
    /// and `finish`, for a caller that writes it out (`aigc normalize`). Why not `feed`: input is read into two
    /// buffers of `chunkSize` bytes, allocated once and reused (the next chunk's bytes land after the previous
    /// chunk's uncut tail), and a piece that normalization leaves unchanged is emitted from the input buffer
    /// itself. `feed` allocates a new array per chunk and per output, copies each thread's piece out and joins the
    /// outputs; on this VM every fresh 4 KiB page costs ~2 µs to fault in (0.5 ms per MB), which was a sizeable share
    /// of a 3 MB file's run. `read` fills as much of its buffer as it can and returns 0 at the end of the input.
    public mutating func run(read: (UnsafeMutableRawBufferPointer) throws -> Int,
                             emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard normalizer.isStreamable else {
            // Whole-text pipelines (HF Strip/Prepend) need everything at once.
            var all = pending
            pending = []
            var buf = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let got = try buf.withUnsafeMutableBytes { try read($0) }
                if got == 0 { break }
                all.append(contentsOf: buf[0..<got])
            }
            let out = try normalizer.normalize(bytes: all, source: source, baseOffset: consumed, stats: &stats).bytes
            consumed += all.count
            try out.withUnsafeBytes { try emit($0) }
            return
        }
        // On transparent huge pages (`HugePageMemory`): the buffers are touched once per chunk, and a fresh 4 KiB
        // page costs ~2 µs to fault in on this VM (a 3 MB file: ~1.5 ms), a huge page about an eighth of that.
        func buffer(_ bytes: Int) throws -> HugePageMemory {
            guard let m = HugePageMemory(bytes: bytes) else {
                throw AIGCError.io("\(source.isEmpty ? "normalize" : source): out of memory for a \(bytes)-byte buffer")
            }
            return m
        }
        func view(_ m: HugePageMemory, _ count: Int) -> UnsafeMutableRawBufferPointer {
            UnsafeMutableRawBufferPointer(start: m.raw, count: count)
        }
        var cap = max(chunkSize, 2 * pending.count, 64)
        var curMemory = try buffer(cap), nextMemory = try buffer(cap)
        var cur = view(curMemory, cap), next = view(nextMemory, cap)
        var len = pending.count
        pending.withUnsafeBytes { if let b = $0.baseAddress, len > 0 { cur.baseAddress?.copyMemory(from: b, byteCount: len) } }
        pending = []
        var floor = 1
        var eof = false
        while true {
            while len < cap && !eof {
                let got = try read(UnsafeMutableRawBufferPointer(rebasing: cur[len..<cap]))
                if got == 0 { eof = true } else { len += got }
            }
            let filled = UnsafeBufferPointer(start: cur.baseAddress?.assumingMemoryBound(to: UInt8.self), count: len)
            if eof {
                try normalizeParallel(filled, emit: emit)
                return
            }
            guard let cut = Self.lastSafeCut(filled, from: floor) else {
                // No safe cut in a full buffer (one very long line): grow both buffers and read on.
                floor = max(len - 1, 1)
                cap *= 2
                let bigger = try buffer(cap)
                if let from = cur.baseAddress, len > 0 { bigger.raw.copyMemory(from: from, byteCount: len) }
                curMemory = bigger
                nextMemory = try buffer(cap)
                cur = view(curMemory, cap)
                next = view(nextMemory, cap)
                continue
            }
            try normalizeParallel(UnsafeBufferPointer(rebasing: filled[0..<cut]), emit: emit)
            // The uncut tail starts the next buffer.
            if len > cut, let dst = next.baseAddress, let src = cur.baseAddress {
                dst.copyMemory(from: src + cut, byteCount: len - cut)
            }
            len -= cut
            swap(&cur, &next)
            swap(&curMemory, &nextMemory)
            floor = 1
        }
    }

    /// Splits `head` at safe cuts into up to `threads` pieces, normalizes them concurrently and emits their
    /// outputs in order (an unchanged piece straight from `head`); `consumed` moves past `head`.
    private mutating func normalizeParallel(_ head: UnsafeBufferPointer<UInt8>,
                                            emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var bounds = [0]
        if threads > 1 && head.count >= 1 << 16 {
            let step = head.count / threads
            for t in 1..<threads {
                // The first safe cut at or after the target (bounded forward scan).
                var k = max(t * step, (bounds.last ?? 0) + 1)
                while k < head.count && !Self.isSafeCut(head, k) { k += 1 }
                if k < head.count { bounds.append(k) }
            }
        }
        bounds.append(head.count)
        let n = normalizer, src = source, base = consumed, cuts = bounds
        let parts = try Parallel.map(bounds.count - 1, threads: threads) { i -> ([UInt8]?, NormalizationStats) in
            var st = NormalizationStats()
            let out = try n.normalize(piece: UnsafeBufferPointer(rebasing: head[cuts[i]..<cuts[i + 1]]), source: src,
                                      baseOffset: base + cuts[i], stats: &st)
            return (out, st)
        }
        for (i, (bytes, st)) in parts.enumerated() {
            stats.add(st)
            if let bytes {
                try bytes.withUnsafeBytes { try emit($0) }
            } else if cuts[i + 1] > cuts[i] {
                try emit(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(head)[cuts[i]..<cuts[i + 1]]))
            }
        }
        consumed += head.count
    }

    /// The largest index `k` (at least `floor`) at which a chunk may be cut: `isSafeCut(bytes, k)`.
    public static func lastSafeCut(_ bytes: [UInt8], from floor: Int = 1) -> Int? {
        bytes.withUnsafeBufferPointer { lastSafeCut($0, from: floor) }
    }

    static func lastSafeCut(_ p: UnsafeBufferPointer<UInt8>, from floor: Int = 1) -> Int? {
        do {
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
