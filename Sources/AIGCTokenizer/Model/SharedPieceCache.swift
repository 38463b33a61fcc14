import Foundation

/// Ids of long pieces that no cut splits (runs of one character such as `=====…` or spaces), shared by all
/// threads of a model. Such a piece costs a whole heap merge (tens of microseconds), and the per-thread caches
/// miss most repeats when several threads each see part of a corpus; a locked dictionary costs well under a
/// microsecond. Bounded: inserts stop once `maxBytes` of keys are held.
final class SharedPieceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var map: [Key: [UInt32]] = [:]
    private var held = 0
    static let maxBytes = 16 << 20

    /// A piece's bytes with their precomputed `ByteKeyTable.hash` (Swift's `Array` hashing goes byte by byte).
    struct Key: Hashable {
        let bytes: [UInt8]
        let hash: UInt64
        static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.bytes == b.bytes }
        func hash(into h: inout Hasher) { h.combine(hash) }
    }

    func get(_ key: Key) -> [UInt32]? {
        lock.lock()
        defer { lock.unlock() }
        return map[key]
    }

    func put(_ key: Key, _ ids: [UInt32]) {
        lock.lock()
        defer { lock.unlock() }
        guard held + key.bytes.count <= SharedPieceCache.maxBytes, map[key] == nil else { return }
        map[key] = ids
        held += key.bytes.count
    }
}
