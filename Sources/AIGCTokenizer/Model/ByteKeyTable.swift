import AIGCCore
import CKernels
import Foundation

/// An immutable open-addressing hash table from byte strings to ids, built once per vocabulary. Keys live in one
/// flat buffer (`bytes`, `offsets` by id), slots hold a 32-bit hash tag and the id, so a lookup is one hash of the
/// bytes, usually one probe and one `memcmp`. Never resized after construction; reads are thread-safe.
@usableFromInline
final class ByteKeyTable: @unchecked Sendable {
    /// Concatenated key bytes of every id (holes have empty keys).
    let bytes: UnsafeMutablePointer<UInt8>
    /// offsets[id]..<offsets[id + 1] is the key of id; count = idCount + 1.
    let offsets: UnsafeMutablePointer<UInt32>
    let idCount: Int
    /// (tag << 32) | (id + 1); 0 = empty.
    let slots: UnsafeMutablePointer<UInt64>
    let mask: Int
    /// Whether an id has a key (ids may have holes).
    let present: [Bool]
    /// A 2^21-bit (256 KiB, cache-resident) filter of key hashes: most failed lookups (BPE probing adjacent parts
    /// that are not tokens) end here without touching the 2–4 MiB slot array.
    let filter: UnsafeMutablePointer<UInt64>
    static let filterBits = 21
    /// Length of the longest key: longer strings are never looked up (BPE of long runs probes many of them).
    let maxKeyLength: Int

    /// Takes ownership of parts read back from `VocabTableCache` (already checked there).
    init(bytes: UnsafeMutablePointer<UInt8>, offsets: UnsafeMutablePointer<UInt32>, idCount: Int,
         slots: UnsafeMutablePointer<UInt64>, mask: Int, present: [Bool], filter: UnsafeMutablePointer<UInt64>,
         maxKeyLength: Int) {
        self.bytes = bytes; self.offsets = offsets; self.idCount = idCount; self.slots = slots; self.mask = mask
        self.present = present; self.filter = filter; self.maxKeyLength = maxKeyLength
    }

    /// Builds from keys given by id (nil = hole). Throws on a duplicate key, naming both ids.
    convenience init(keys: [ArraySlice<UInt8>?]) throws(ByteKeyTableError) {
        var list = TokenList()
        for k in keys {
            if let k { list.append(k) } else { list.appendHole() }
        }
        try self.init(list)
    }

    /// Builds from a token list indexed by id. Throws on a duplicate key, naming both ids.
    init(_ list: TokenList) throws(ByteKeyTableError) {
        let idCount = list.start.count
        self.idCount = idCount
        var total = 0
        for l in list.length where l > 0 { total += Int(l) }
        let bytesP = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
        let offsetsP = UnsafeMutablePointer<UInt32>.allocate(capacity: idCount + 1)
        var cap = 16
        var live = 0
        for l in list.length where l >= 0 { live += 1 }
        while cap < live * 2 { cap <<= 1 }
        mask = cap - 1
        slots = HugePageMemory.allocate(UInt64.self, count: cap)
        filter = .allocate(capacity: 1 << (ByteKeyTable.filterBits - 6))
        filter.initialize(repeating: 0, count: 1 << (ByteKeyTable.filterBits - 6))
        var pres = [Bool](repeating: false, count: idCount)
        var o = 0
        var longest = 0
        list.bytes.withUnsafeBufferPointer { src in
            for id in 0..<idCount {
                offsetsP[id] = UInt32(o)
                let l = Int(list.length[id])
                if l < 0 { continue }
                pres[id] = true
                if l > longest { longest = l }
                if l > 0 { (bytesP + o).update(from: src.baseAddress! + Int(list.start[id]), count: l) }
                o += l
            }
        }
        offsetsP[idCount] = UInt32(o)
        maxKeyLength = longest
        bytes = bytesP
        offsets = offsetsP
        present = pres
        // Insert in slot order, not id order: ids are first grouped by the top bits of their home slot (a counting
        // sort into ≤ 1024 buckets, stable, so equal keys keep id order), so the inserts sweep the multi-MiB slot
        // array instead of missing the cache on every one (the build went from ~80% cache-miss stalls to a scan).
        var bucketBits = 0
        while (1 << bucketBits) < cap && bucketBits < 10 { bucketBits += 1 }
        let shift = (cap.trailingZeroBitCount) - bucketBits
        let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: max(idCount, 1))
        defer { hashes.deallocate() }
        var counts = [Int](repeating: 0, count: (1 << bucketBits) + 1)
        for id in 0..<idCount where pres[id] {
            let h = ByteKeyTable.hash(bytes + Int(offsets[id]), Int(offsets[id + 1] - offsets[id]))
            hashes[id] = h
            counts[((Int(truncatingIfNeeded: h) & mask) >> shift) + 1] += 1
        }
        for b in 0..<(1 << bucketBits) { counts[b + 1] += counts[b] }
        let order = UnsafeMutablePointer<Int32>.allocate(capacity: max(live, 1))
        let orderHash = UnsafeMutablePointer<UInt64>.allocate(capacity: max(live, 1))
        defer { order.deallocate(); orderHash.deallocate() }
        for id in 0..<idCount where pres[id] {
            let h = hashes[id]
            let b = (Int(truncatingIfNeeded: h) & mask) >> shift
            order[counts[b]] = Int32(id)
            orderHash[counts[b]] = h
            counts[b] += 1
        }
        for k in 0..<live {
            let id = Int(order[k])
            let h = orderHash[k]
            let tag = UInt64(UInt32(truncatingIfNeeded: h >> 32))
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] != 0 {
                let other = Int(slots[i] & 0xFFFF_FFFF) - 1
                if slots[i] >> 32 == tag && keyEquals(other, bytes + Int(offsets[id]), Int(offsets[id + 1] - offsets[id])) {
                    throw ByteKeyTableError.duplicate(first: min(other, id), second: max(other, id))
                }
                i = (i + 1) & mask
            }
            slots[i] = tag << 32 | UInt64(id + 1)
            let f = ByteKeyTable.filterIndex(h)
            filter[f >> 6] |= 1 << UInt64(f & 63)
        }
    }

    deinit {
        bytes.deallocate(); offsets.deallocate()
        HugePageMemory.free(slots, count: mask + 1)
        filter.deallocate()
    }

    @inline(__always) func keyEquals(_ id: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let o = Int(offsets[id])
        guard Int(offsets[id + 1]) - o == n else { return false }
        return ByteKeyTable.equal(UnsafeRawPointer(bytes + o), UnsafeRawPointer(p), n)
    }

    /// Equality of two n-byte strings; short ones with overlapping loads that stay inside both.
    @inline(__always) static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        if n >= 8 {
            if n <= 16 {
                return ck_load_u64(a, 0) == ck_load_u64(b, 0)
                    && ck_load_u64(a, n - 8) == ck_load_u64(b, n - 8)
            }
            return memcmp(a, b, n) == 0
        }
        if n >= 4 {
            return ck_load_u32(a, 0) == ck_load_u32(b, 0)
                && ck_load_u32(a, n - 4) == ck_load_u32(b, n - 4)
        }
        if n == 0 { return true }
        let x = a.assumingMemoryBound(to: UInt8.self), y = b.assumingMemoryBound(to: UInt8.self)
        return x[0] == y[0] && x[n >> 1] == y[n >> 1] && x[n - 1] == y[n - 1]
    }

    /// The key bytes of an id (must be < idCount).
    @inline(__always) func key(_ id: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + Int(offsets[id]), count: Int(offsets[id + 1] - offsets[id]))
    }

    /// A fast 64-bit hash of short byte strings (overlapping word loads inside the string, multiply-xorshift).
    @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        var h: UInt64
        if n <= 16 {
            let a: UInt64, b: UInt64
            if n >= 8 {
                a = ck_load_u64(raw, 0)
                b = ck_load_u64(raw, n - 8)
            } else if n >= 4 {
                a = UInt64(ck_load_u32(raw, 0))
                b = UInt64(ck_load_u32(raw, n - 4))
            } else if n > 0 {
                a = UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1]) << 16
                b = 0
            } else {
                a = 0; b = 0
            }
            h = (a ^ 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: n + 1)) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ (h >> 29) ^ b) &* 0x94D0_49BB_1331_11EB
        } else {
            h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
            var i = 0
            while i + 8 <= n {
                h = (h ^ ck_load_u64(raw, i)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 29
                i += 8
            }
            h = (h ^ ck_load_u64(raw, n - 8)) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }

    /// Asks for the first slot a lookup of hash `h` reads (`BPEModel.prefetchPiece`).
    @inline(__always) func prefetchSlot(_ h: UInt64) {
        ck_prefetch_read(slots + (Int(truncatingIfNeeded: h) & mask))
    }

    @inline(__always) static func filterIndex(_ h: UInt64) -> Int {
        Int(truncatingIfNeeded: h >> 20) & ((1 << filterBits) - 1)
    }

    /// The id of the key `p[0..<n]`, or nil.
    @inline(__always) func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32? {
        lookup(p, n, hash: ByteKeyTable.hash(p, n))
    }

    /// `lookup` without the filter (for keys that are usually present: whole pieces).
    @inline(__always) func lookupUnfiltered(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> UInt32? {
        let tag = UInt64(UInt32(truncatingIfNeeded: h >> 32))
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if s >> 32 == tag {
                let id = Int(s & 0xFFFF_FFFF) - 1
                if keyEquals(id, p, n) { return UInt32(id) }
            }
            i = (i + 1) & mask
        }
    }

    /// `lookup` with the key's precomputed `hash`.
    @inline(__always) func lookup(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> UInt32? {
        let f = ByteKeyTable.filterIndex(h)
        if filter[f >> 6] & (1 << UInt64(f & 63)) == 0 { return nil }
        return lookupUnfiltered(p, n, hash: h)
    }
}

enum ByteKeyTableError: Error { case duplicate(first: Int, second: Int) }

/// Token byte strings by id in one flat buffer (no per-token allocation while loading).
public struct TokenList: Sendable {
    var bytes: [UInt8] = []
    /// Start of each id's bytes in `bytes`.
    var start: [Int32] = []
    /// Length of each id's bytes, or -1 for an id without a token.
    var length: [Int32] = []

    init() {}

    mutating func append(_ k: some Collection<UInt8>) {
        start.append(Int32(bytes.count)); length.append(Int32(k.count)); bytes.append(contentsOf: k)
    }

    mutating func appendHole() { start.append(0); length.append(-1) }
}
