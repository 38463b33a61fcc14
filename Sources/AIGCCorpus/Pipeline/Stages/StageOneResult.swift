/// The clean stage's verdict for one record: cleaned (or dropped) by `RecordCleaner`, or — when its raw bytes equal
/// an earlier record's that reached deduplication — known to be an exact duplicate of it without parsing again
/// (identical bytes give identical normalized content, so the verdict is the same as a full re-clean).
enum StageOneResult: Sendable {
    case cleaned(RecordCleaner.Outcome)
    case rawDuplicate(ContentHash, [PIIKind: Int])
}
