/// Stage 1's verdict for one record: cleaned (or dropped) by `RecordCleaner`, or — when its raw bytes equal an
/// earlier record's that reached deduplication — known to be an exact duplicate of it without parsing again
/// (identical bytes give identical normalized content, so the verdict is the same as a full re-clean).
enum StageOneResult: Sendable {
    case cleaned(RecordCleaner.Outcome)
    case rawDuplicate(ContentHash, [PIIKind: Int])
}

/// 128-bit identity of a record's raw bytes.
struct RawKey: Hashable, Sendable {
    var a: UInt64
    var b: UInt64
    init(_ p: UnsafeBufferPointer<UInt8>) {
        let raw = UnsafeRawBufferPointer(p)
        a = StableHash.hash(raw, seed: 0x7261_775f_6b65_7931)
        b = StableHash.hash(raw, seed: 0x7261_775f_6b65_7932)
    }
}

/// What a record's raw bytes led to the first time (cached for identical later records).
enum RawVerdict: Sendable {
    case kept(ContentHash, [PIIKind: Int])
    case dropped(DropReason, String)
}
