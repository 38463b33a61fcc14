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

    /// Builds from keys given by id (nil = hole). Throws on a duplicate key, naming both ids.
    init(keys: [ArraySlice<UInt8>?]) throws(ByteKeyTableError) {
        idCount = keys.count
        var total = 0
        for k in keys { total += k?.count ?? 0 }
        let bytesP = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
        let offsetsP = UnsafeMutablePointer<UInt32>.allocate(capacity: keys.count + 1)
        var cap = 16
        let live = keys.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        while cap < live * 2 { cap <<= 1 }
        mask = cap - 1
        slots = .allocate(capacity: cap)
        slots.initialize(repeating: 0, count: cap)
        var pres = [Bool](repeating: false, count: idCount)
        var o = 0
        for (id, k) in keys.enumerated() {
            offsetsP[id] = UInt32(o)
            guard let k else { continue }
            pres[id] = true
            k.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { (bytesP + o).update(from: base, count: b.count) }
            }
            o += k.count
        }
        offsetsP[keys.count] = UInt32(o)
        bytes = bytesP
        offsets = offsetsP
        present = pres
        for id in 0..<idCount where pres[id] {
            let p = bytes + Int(offsets[id]), n = Int(offsets[id + 1] - offsets[id])
            let h = ByteKeyTable.hash(p, n)
            let tag = UInt64(UInt32(truncatingIfNeeded: h >> 32))
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] != 0 {
                let other = Int(slots[i] & 0xFFFF_FFFF) - 1
                if slots[i] >> 32 == tag && keyEquals(other, p, n) {
                    throw ByteKeyTableError.duplicate(first: other, second: id)
                }
                i = (i + 1) & mask
            }
            slots[i] = tag << 32 | UInt64(id + 1)
        }
    }

    deinit {
        bytes.deallocate(); offsets.deallocate(); slots.deallocate()
    }

    @inline(__always) func keyEquals(_ id: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let o = Int(offsets[id])
        guard Int(offsets[id + 1]) - o == n else { return false }
        return memcmp(bytes + o, p, n) == 0
    }

    /// The key bytes of an id (must be < idCount).
    @inline(__always) func key(_ id: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + Int(offsets[id]), count: Int(offsets[id + 1] - offsets[id]))
    }

    /// A fast 64-bit hash of short byte strings (8-byte loads, multiply-xorshift mixing).
    @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var t: UInt64 = 0
            var shift: UInt64 = 0
            if n - i >= 4 {
                t = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)); shift = 32; i += 4
            }
            while i < n { t |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            h = (h ^ t) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }

    /// The id of the key `p[0..<n]`, or nil.
    @inline(__always) func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32? {
        let h = ByteKeyTable.hash(p, n)
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
}

enum ByteKeyTableError: Error { case duplicate(first: Int, second: Int) }
