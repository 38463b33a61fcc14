import CKernels
import Foundation

/// The ids the encoder's per-piece path appends to: raw memory that grows by doubling, so an append is a compare,
/// a store and an increment. Appending to an `Array` through the pre-tokenizer's closure cost a uniqueness check and
/// two calls per id (`_makeUniqueAndReserveCapacityIfNotUnique`, `_endMutation`): ~15% of a one-thread profile of
/// emoji text, where pieces are cut into many short parts of one to three ids each.
///
/// A plain struct over memory it does not free by itself: the owner (a `BPEScratch`, or a function that makes
/// one) calls `deallocate()` once, and only one copy of a buffer is ever appended to (pass it `inout`).
struct IdBuffer {
    private(set) var base: UnsafeMutablePointer<UInt32>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    var isEmpty: Bool { count == 0 }
    var last: UInt32? { count > 0 ? base[count - 1] : nil }
    var first: UInt32? { count > 0 ? base[0] : nil }

    /// The ids appended so far (valid until the next append).
    var ids: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always) subscript(i: Int) -> UInt32 { base[i] }

    @inline(__always) mutating func append(_ id: UInt32) {
        if count == capacity { grow(count + 1) }
        base[count] = id
        count += 1
    }

    @inline(__always) mutating func append(_ p: UnsafePointer<UInt32>, count c: Int) {
        if count + c > capacity { grow(count + c) }
        (base + count).update(from: p, count: c)
        count += c
    }

    /// Appends `c` ids stored as raw 32-bit words at `src` (a cache entry): one capacity check for all of them.
    @inline(__always) mutating func append(raw src: UnsafeRawPointer, count c: Int) {
        if count + c > capacity { grow(count + c) }
        for k in 0..<c { base[count + k] = ck_load_u32(src, 4 * k) }
        count += c
    }

    mutating func append(contentsOf a: [UInt32]) {
        a.withUnsafeBufferPointer { if let p = $0.baseAddress { append(p, count: $0.count) } }
    }

    /// Keeps the first `n` ids.
    @inline(__always) mutating func truncate(to n: Int) { count = n }

    mutating func removeAll() { count = 0 }

    /// The ids from `from` on, as an array.
    func array(from: Int = 0) -> [UInt32] { Array(UnsafeBufferPointer(start: base + from, count: count - from)) }

    /// Out of line: taken about log2(ids) times per buffer.
    @inline(never) mutating func grow(_ need: Int) {
        let c = max(need, capacity * 2)
        let b = UnsafeMutablePointer<UInt32>.allocate(capacity: c)
        b.initialize(from: base, count: count)
        base.deallocate()
        base = b
        capacity = c
    }
}
