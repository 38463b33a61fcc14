/// What a record's raw bytes led to the first time (cached by the clean stage for identical later records).
enum RawVerdict: Sendable {
    case kept(ContentHash, [PIIKind: Int])
    case dropped(DropReason, String)
}
