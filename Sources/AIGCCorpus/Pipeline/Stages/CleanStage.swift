import AIGCCore

/// Stages "parse" and "clean", per record on all threads: `RecordCleaner` parses the raw bytes (`RecordParser`),
/// applies the invalid-UTF-8 policy, normalizes (`TextNormalizer`), checks empty turns and role order, scrubs PII,
/// decontaminates and hashes the content — or names a `DropReason`. A record whose raw bytes repeat an earlier
/// record's gets that verdict without being parsed again (repeated lines are the commonest duplicates in real
/// corpora) — except a repeat of a kept record when exact dedup is off: it is not a duplicate then, but a record
/// of its own. A record the reader skipped as over `--max-record-bytes` (`RawRecord.oversize`) is dropped as
/// `record_too_large` without a look at its (absent) bytes.
struct CleanStage {
    let cleaner: RecordCleaner
    let threads: Int
    let exactDedup: Bool
    let maxRecordBytes: Int
    /// The verdict of each distinct raw record seen so far.
    private var rawSeen: [RawKey: RawVerdict] = [:]

    init(cleaner: RecordCleaner, threads: Int, exactDedup: Bool, maxRecordBytes: Int) {
        self.cleaner = cleaner
        self.threads = threads
        self.exactDedup = exactDedup
        self.maxRecordBytes = maxRecordBytes
    }

    private func reusable(_ v: RawVerdict) -> Bool {
        if exactDedup { return true }
        if case .dropped = v { return true }
        return false
    }

    /// One result per owned record of `batch`, in order.
    mutating func run(_ batch: ReadStage.Batch) throws -> [StageOneResult] {
        let mine = batch.owned
        let storage = batch.raw.storage
        let keys: [RawKey] = Parallel.map(mine.count, threads: threads) { i in
            storage.withUnsafeBufferPointer { p in RawKey(UnsafeBufferPointer(rebasing: p[mine[i].range])) }
        }
        // Records not decided by an earlier identical one are cleaned in parallel; a repeat within the batch waits
        // for its first occurrence's verdict.
        var firstInBatch: [RawKey: Int] = [:]
        firstInBatch.reserveCapacity(mine.count)  // (growing it rehashed every key a few times per batch)
        var pending: [Int] = []
        var sameAs = [Int](repeating: -1, count: mine.count)
        for i in mine.indices {
            if mine[i].oversize > 0 { continue }
            if let v = rawSeen[keys[i]], reusable(v) { continue }
            if let j = firstInBatch[keys[i]] { sameAs[i] = j; continue }
            firstInBatch[keys[i]] = i
            pending.append(i)
        }
        let work = pending
        let cleaner = self.cleaner
        let cleaned: [RecordCleaner.Outcome] = Parallel.map(work.count, threads: threads) { k in
            storage.withUnsafeBufferPointer { p in cleaner.clean(UnsafeBufferPointer(rebasing: p[mine[work[k]].range])) }
        }
        // By record index (an array, not a dictionary: this loop runs on one thread for every record).
        var byIndex = [RecordCleaner.Outcome?](repeating: nil, count: mine.count)
        for (k, i) in pending.enumerated() { byIndex[i] = cleaned[k] }
        var results: [StageOneResult] = []
        results.reserveCapacity(mine.count)
        for i in mine.indices {
            let verdict: RawVerdict
            if mine[i].oversize > 0 {
                results.append(.cleaned(.dropped(.recordTooLarge, mine[i].oversizeMessage(limit: maxRecordBytes, option: "CorpusBuildOptions.maxRecordBytes"))))
                continue
            }
            if let v = rawSeen[keys[i]], reusable(v) {
                verdict = v
            } else if let o = byIndex[sameAs[i] >= 0 ? sameAs[i] : i] {  // (nil: not cleaned, an internal error)
                switch o {
                case .kept(let c): verdict = .kept(c.hash, c.pii)
                case .dropped(let r, let m): verdict = .dropped(r, m)
                }
                if sameAs[i] < 0 { rawSeen[keys[i]] = verdict }
                if sameAs[i] < 0 || !reusable(verdict) {
                    results.append(.cleaned(o))
                    continue
                }
            } else {
                throw AIGCError.io("internal: no stage-1 verdict for record \(mine[i].ordinal)")
            }
            switch verdict {
            case .kept(let h, let pii): results.append(.rawDuplicate(h, pii))
            case .dropped(let r, let m): results.append(.cleaned(.dropped(r, m)))
            }
        }
        return results
    }
}
