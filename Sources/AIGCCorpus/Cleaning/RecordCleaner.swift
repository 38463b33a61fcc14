import AIGCText

/// Stage 1 of a build, for one record: parse, UTF-8 policy, normalization, empty-turn and role-order checks,
/// PII scrubbing, decontamination, content hash. Pure and thread-safe; the audit reuses it.
public struct RecordCleaner: Sendable {
    public let parser: RecordParser
    /// The normalization (invalid UTF-8 already repaired by the parser), with its fast paths.
    public var normalizer: TextNormalizer { fastPath.normalizer }
    let fastPath: FastPathNormalizer
    public let invalidUTF8: InvalidUTF8Policy
    public let checkRoleOrder: Bool
    public let scrubber: PIIScrubber?
    /// Evaluation texts' n-grams (`--decontaminate`): a record sharing one is dropped as `contaminated`.
    public let decontaminator: NGramIndex?

    public init(parser: RecordParser, normalizer: TextNormalizer, invalidUTF8: InvalidUTF8Policy = .skip,
                checkRoleOrder: Bool = true, scrubber: PIIScrubber? = PIIScrubber(), decontaminator: NGramIndex? = nil) {
        self.parser = parser
        var n = normalizer
        n.invalidUTF8 = .replace
        fastPath = FastPathNormalizer(n)
        self.invalidUTF8 = invalidUTF8
        self.checkRoleOrder = checkRoleOrder
        self.scrubber = scrubber
        self.decontaminator = decontaminator.flatMap { $0.isEmpty ? nil : $0 }
    }

    public struct Cleaned: Sendable {
        public var record: Record
        public var hash: ContentHash
        public var pii: [PIIKind: Int]
    }

    public enum Outcome: Sendable {
        case kept(Cleaned)
        case dropped(DropReason, String)
    }

    public func clean(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        let (parsed, badUTF8, failure) = parser.parse(bytes)
        if let failure {
            if badUTF8 && invalidUTF8 != .replace && failure.reason != .malformedJSON {
                return .dropped(.invalidUTF8, "invalid UTF-8")
            }
            return .dropped(failure.reason, failure.message)
        }
        guard var record = parsed else { return .dropped(.schema, "no record") }
        if badUTF8 && invalidUTF8 != .replace { return .dropped(.invalidUTF8, "invalid UTF-8 (or an unpaired surrogate escape)") }
        // Normalize (a failure drops the record: its text is never kept un-normalized).
        do {
            record = try normalized(record)
        } catch {
            return .dropped(.normalizationFailed, "normalization failed: \(error)")
        }
        switch record {
        case .document(let n):
            if TextChecks.isBlank(n) { return .dropped(.emptyDocument, "empty or whitespace-only document") }
        case .conversation(let turns):
            if turns.isEmpty { return .dropped(.emptyTurn, "conversation has no turns") }
            for k in turns.indices {
                if TextChecks.isBlank(turns[k].content) {
                    return .dropped(.emptyTurn, "turn \(k) (\(turns[k].role.name)) is empty or whitespace-only")
                }
            }
            if checkRoleOrder, let problem = Self.roleOrderProblem(turns) { return .dropped(.roleOrder, problem) }
        }
        // PII.
        var pii: [PIIKind: Int] = [:]
        if let scrubber {
            switch record {
            case .document(let d):
                if let s = scrubber.scrub(d, counts: &pii) { record = .document(s) }
            case .conversation(var turns):
                var changed = false
                for k in turns.indices {
                    if let s = scrubber.scrub(turns[k].content, counts: &pii) { turns[k].content = s; changed = true }
                }
                if changed { record = .conversation(turns) }
            }
        }
        if let decontaminator, decontaminator.contains(record.texts) {
            return .dropped(.contaminated, "shares a \(decontaminator.n)-gram of words with an evaluation text")
        }
        return .kept(Cleaned(record: record, hash: ContentHash(record: record), pii: pii))
    }

    /// The record with every text normalized.
    func normalized(_ record: Record) throws -> Record {
        switch record {
        case .document(let d): return .document(try normalize(d))
        case .conversation(var turns):
            for k in turns.indices { turns[k].content = try normalize(turns[k].content) }
            return .conversation(turns)
        }
    }

    func normalize(_ text: [UInt8]) throws -> [UInt8] {
        // Invalid UTF-8 was already repaired by the parser (`.replace`); what can still fail are steps such as a
        // regex over its time limit.
        try fastPath.normalize(text) ?? text
    }

    /// Optional system turn first, then user and assistant alternating from user, ending with assistant.
    public static func roleOrderProblem(_ turns: [Turn]) -> String? {
        var k = 0
        if turns.first?.role == .system { k = 1 }
        if k >= turns.count { return "no user/assistant turns" }
        var expect = Role.user
        while k < turns.count {
            let r = turns[k].role
            if r != expect {
                return r == .system ? "system turn at position \(k) (only first is allowed)"
                    : "turn \(k) is \(r.name), expected \(expect.name)"
            }
            expect = expect == .user ? .assistant : .user
            k += 1
        }
        if turns.last?.role != .assistant { return "conversation ends with \(turns.last?.role.name ?? "nothing"), not assistant" }
        return nil
    }
}
