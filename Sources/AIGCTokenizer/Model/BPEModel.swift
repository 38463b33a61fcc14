import AIGCCore

/// A byte-level BPE model. Two merge rules, both exact:
/// - `.ranks` (tiktoken): any two adjacent parts whose concatenation is a token may merge; the lowest rank merges
///   first (ties: leftmost), and rank = id. A piece that is itself a token is emitted directly, as tiktoken does.
/// - `.merges` (HF tokenizers `BPE`): only listed merge pairs apply, by their list order (ties: leftmost); the
///   result is the vocabulary id of the merged string. `ignoreMerges` emits whole-word tokens directly.
public final class BPEModel: @unchecked Sendable {
    public enum MergeRule: Sendable, Equatable { case ranks, merges }

    let table: ByteKeyTable
    public let rule: MergeRule
    /// id of each single byte, or UInt32.max when a byte has no token.
    let byteIds: [UInt32]
    /// Scratch buffers and caches reused across encode calls.
    let scratchPool = ScratchPool()
    /// Long uncut pieces, shared by all threads (ranks rule).
    let sharedLong = SharedPieceCache()
    /// n-gram filters for cutting long pieces (ranks rule), built on first use.
    let splitIndex: LazySplitIndex
    /// Every id fits the merge memo's packed entries (`BPEScratch.memo`).
    let memoFits: Bool
    /// Window sizes for giant pieces (`encodeWindowed`).
    let windowing: BPEWindowing
    /// Rank of each two-byte token, indexed by (first << 8 | second); UInt32.max when none (ranks rule).
    let pair2: UnsafeMutablePointer<UInt32>
    /// Pair (left id << 32 | right id) → (merge rank << 32 | result id), HF rule only.
    let pairs: PairTable?
    /// HF `ignore_merges`.
    public let ignoreMerges: Bool
    /// Merges in rank order as id pairs (HF rule; derived for `.ranks` when saving).
    public let mergeList: [(UInt32, UInt32)]

    /// Number of ids (max id + 1) of the ordinary tokens.
    public var idCount: Int { table.idCount }

    /// tiktoken-style model from token byte strings indexed by rank (nil = no token at that rank).
    public convenience init(ranks: [ArraySlice<UInt8>?]) throws {
        var list = TokenList()
        for k in ranks { if let k { list.append(k) } else { list.appendHole() } }
        try self.init(rankList: list)
    }

    /// tiktoken-style model from a flat token list indexed by rank.
    convenience init(rankList: TokenList) throws {
        let t: ByteKeyTable
        do { t = try ByteKeyTable(rankList) } catch {
            if case .duplicate(let a, let b) = error {
                throw AIGCError.input(location: "", message: "duplicate token bytes at ranks \(a) and \(b)")
            }
            throw error
        }
        // A byte-level vocabulary must encode every text: without a token for some single byte, that byte would be
        // dropped from the ids without a word.
        if let b = BPEModel.byteIdsOf(t).firstIndex(of: UInt32.max) {
            throw AIGCError.input(location: "", message: String(format: "byte-level vocabulary has no token for the single byte 0x%02X, so it cannot encode every text", b))
        }
        self.init(rankTable: t)
    }

    /// tiktoken-style model over a built table (rank = id).
    init(rankTable: ByteKeyTable) {
        table = rankTable
        rule = .ranks
        pairs = nil
        ignoreMerges = true
        mergeList = []
        byteIds = BPEModel.byteIdsOf(table)
        pair2 = BPEModel.pair2Of(table)
        splitIndex = LazySplitIndex(table)
        memoFits = table.idCount <= BPEScratch.memoIdLimit
        windowing = BPEWindowing(maxTokenLength: table.maxKeyLength, everyByteHasToken: !byteIds.contains(UInt32.max))
    }

    deinit { pair2.deallocate() }

    static func pair2Of(_ t: ByteKeyTable) -> UnsafeMutablePointer<UInt32> {
        let p = UnsafeMutablePointer<UInt32>.allocate(capacity: 65536)
        p.initialize(repeating: UInt32.max, count: 65536)
        for id in 0..<t.idCount where t.present[id] {
            let k = t.key(id)
            if k.count == 2 { p[Int(k[0]) << 8 | Int(k[1])] = UInt32(id) }
        }
        return p
    }

    /// HF-style model: vocabulary (bytes by id) and merges as id pairs in priority order.
    public init(vocabulary: [ArraySlice<UInt8>?], merges: [(UInt32, UInt32)], ignoreMerges: Bool) throws {
        let table: ByteKeyTable
        do { table = try ByteKeyTable(keys: vocabulary) } catch {
            if case .duplicate(let a, let b) = error {
                throw AIGCError.input(location: "", message: "duplicate vocabulary entries for ids \(a) and \(b)")
            }
            throw error
        }
        var entries: [(UInt64, UInt64)] = []
        entries.reserveCapacity(merges.count)
        var scratch: [UInt8] = []
        for (rank, (a, b)) in merges.enumerated() {
            guard Int(a) < table.idCount, Int(b) < table.idCount, table.present[Int(a)], table.present[Int(b)] else {
                throw AIGCError.input(location: "merge \(rank)", message: "refers to an unknown token id")
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: table.key(Int(a)))
            scratch.append(contentsOf: table.key(Int(b)))
            guard let r = scratch.withUnsafeBufferPointer({ table.lookup($0.baseAddress!, $0.count) }) else {
                throw AIGCError.input(location: "merge \(rank)",
                                      message: "the merged token \(BPEModel.show(scratch)) is not in the vocabulary")
            }
            entries.append((UInt64(a) << 32 | UInt64(b), UInt64(rank) << 32 | UInt64(r)))
        }
        self.table = table
        pairs = PairTable(entries)
        rule = .merges
        self.ignoreMerges = ignoreMerges
        mergeList = merges
        byteIds = BPEModel.byteIdsOf(table)
        pair2 = BPEModel.pair2Of(table)
        splitIndex = LazySplitIndex(table)
        memoFits = table.idCount <= BPEScratch.memoIdLimit
        windowing = BPEWindowing(maxTokenLength: table.maxKeyLength, everyByteHasToken: !byteIds.contains(UInt32.max))
    }

    static func show(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self).debugDescription }

    static func byteIdsOf(_ t: ByteKeyTable) -> [UInt32] {
        (0..<256).map { b in
            var x = UInt8(b)
            return withUnsafePointer(to: &x) { t.lookup($0, 1) } ?? UInt32.max
        }
    }

    /// The id of a byte string if it is a token.
    public func id(of bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard let b = bytes.baseAddress else { return nil }
        return table.lookup(b, bytes.count)
    }

    public func id(of bytes: [UInt8]) -> UInt32? { bytes.withUnsafeBufferPointer { id(of: $0) } }

    /// The bytes of a token id, or nil.
    public func bytes(of id: UInt32) -> [UInt8]? {
        guard Int(id) < table.idCount, table.present[Int(id)] else { return nil }
        return Array(table.key(Int(id)))
    }

    public func contains(_ id: UInt32) -> Bool { Int(id) < table.idCount && table.present[Int(id)] }
}
