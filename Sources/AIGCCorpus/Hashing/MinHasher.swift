import CKernels

/// MinHash signatures over word n-gram shingles, cut into LSH bands (datatrove's defaults: 5-grams, 14 bands ×
/// 8 rows, so two documents with Jaccard similarity 0.8 share a band with probability ≈ 0.92, at 0.5 ≈ 0.04).
/// Each of the bands × rows permutations is a multiply-shift hash `(a·x + b) >> 32` of the 64-bit shingle hash
/// (odd `a`): universal, branch-free, and fixed by a constant seed so signatures are stable forever. The lanes are
/// computed in C (`ck_minhash_lanes`: AVX512-DQ sixteen lanes, or SSE4.1 four, at a time), with exactly these values.
public struct MinHasher: Sendable {
    public let shingleSize: Int
    public let bands: Int
    public let rows: Int
    @usableFromInline let a: [UInt64]
    @usableFromInline let b: [UInt64]
    /// `a` split into 32-bit halves, for the C lane loop (`ck_minhash_lanes`).
    let aLow: [UInt32]
    let aHigh: [UInt32]

    public init(shingleSize: Int = 5, bands: Int = 14, rows: Int = 8) {
        self.shingleSize = max(1, shingleSize)
        self.bands = max(1, bands)
        self.rows = max(1, rows)
        var s: UInt64 = 0x6a09e667f3bcc908
        var a: [UInt64] = [], b: [UInt64] = []
        for _ in 0..<(self.bands * self.rows) {
            s = StableHash.scramble(s); a.append(s | 1)
            s = StableHash.scramble(s); b.append(s)
        }
        self.a = a
        self.b = b
        aLow = a.map { UInt32(truncatingIfNeeded: $0) }
        aHigh = a.map { UInt32(truncatingIfNeeded: $0 >> 32) }
    }

    /// The signature (bands × rows minimum values) of the texts taken as one word stream; nil when there are
    /// no words at all (such records are never near duplicates).
    public func signature(_ texts: [[UInt8]]) -> [UInt32]? {
        var words: [UInt64] = []
        for text in texts { text.withUnsafeBufferPointer { tp in WordHasher.forEachWord(tp) { words.append($0) } } }
        var shingles: [UInt64] = []
        return words.withUnsafeBufferPointer { signature(words: $0, scratch: &shingles) }
    }

    /// The signature of a word stream already hashed by `WordHasher` (`scratch` holds the shingle hashes).
    public func signature(words: UnsafeBufferPointer<UInt64>, scratch shingles: inout [UInt64]) -> [UInt32]? {
        let count = words.count
        if count == 0 { return nil }
        let k = shingleSize
        @inline(__always) func shingle(_ start: Int, _ n: Int) -> UInt64 {
            var h: UInt64 = 0x2545f4914f6cdd1d ^ UInt64(n)
            for t in start..<(start + n) { h = StableHash.mix(h ^ words[t], 0x9e3779b97f4a7c15) }
            return h
        }
        shingles.removeAll(keepingCapacity: true)
        if count < k {
            // Fewer words than one shingle: the whole (short) word sequence is the only shingle.
            shingles.append(shingle(0, count))
        } else {
            for s in 0...(count - k) { shingles.append(shingle(s, k)) }
        }
        let lanes = bands * rows
        var mins = [UInt32](repeating: .max, count: lanes)
        mins.withUnsafeMutableBufferPointer { m in
            aLow.withUnsafeBufferPointer { al in
                aHigh.withUnsafeBufferPointer { ah in
                    b.withUnsafeBufferPointer { bp in
                        shingles.withUnsafeBufferPointer { x in
                            ck_minhash_lanes(m.baseAddress, al.baseAddress, ah.baseAddress, bp.baseAddress,
                                               Int32(lanes), x.baseAddress, Int32(x.count))
                        }
                    }
                }
            }
        }
        return mins
    }

    /// One 64-bit key per band (the band index is mixed in, so equal rows in different bands never collide).
    public func bandKeys(_ signature: [UInt32]) -> [UInt64] {
        var keys: [UInt64] = []
        keys.reserveCapacity(bands)
        signature.withUnsafeBytes { raw in
            for band in 0..<bands {
                let slice = UnsafeRawBufferPointer(rebasing: raw[(band * rows * 4)..<((band + 1) * rows * 4)])
                keys.append(StableHash.hash(slice, seed: UInt64(band) &* 0x9e3779b97f4a7c15 &+ 1))
            }
        }
        return keys
    }

    /// Estimated Jaccard similarity of two signatures (share of equal lanes).
    public static func similarity(_ x: [UInt32], _ y: [UInt32]) -> Double {
        guard x.count == y.count, !x.isEmpty else { return 0 }
        var eq = 0
        for i in 0..<x.count where x[i] == y[i] { eq += 1 }
        return Double(eq) / Double(x.count)
    }
}
