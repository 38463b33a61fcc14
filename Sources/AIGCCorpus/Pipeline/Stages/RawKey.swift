/// 128-bit identity of a record's raw bytes (the clean stage's cache key).
struct RawKey: Hashable, Sendable {
    var a: UInt64
    var b: UInt64
    init(_ p: UnsafeBufferPointer<UInt8>) {
        let raw = UnsafeRawBufferPointer(p)
        a = StableHash.hash(raw, seed: 0x7261_775f_6b65_7931)
        b = StableHash.hash(raw, seed: 0x7261_775f_6b65_7932)
    }
}
