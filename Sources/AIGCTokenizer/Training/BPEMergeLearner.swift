import AIGCCore

/// Learns byte-level BPE merges from pre-token counts with exactly the semantics of HF tokenizers' `BpeTrainer`.
///
/// Reproducing HF merge for merge needs more than "most frequent pair, ties to the smaller ids". Its details,
/// all mirrored here:
/// - Pair counts are the sum over words of occurrences × word count and are updated only from the changes a
///   merge reports for the neighbours of each merged occurrence; the merged pair's own count is not lowered.
/// - The queue is lazy: a popped candidate whose count snapshot differs from the current count is pushed back
///   with the current count. Every candidate owns the set of words it was created for, and a merge step rewrites
///   only those words. Occurrences of a pair created at a later step get a new candidate of their own, so a pair
///   can be merged again at a later step (its second merge reuses the token); HF's `tokenizer.json` then lists
///   the pair once, at its last step.
/// - A new token whose bytes already exist reuses that id and does not grow the vocabulary.
/// - `max_token_length`: a new neighbour pair is counted only if its two tokens are together *shorter* than
///   the limit (HF's strict `<`); the pairs of the initial words are always counted.
/// - The vocabulary size counts the 256 byte tokens and the distinct learned tokens; training stops when it is
///   reached, when the best count is below `minFrequency`, or when no pair is left.
///
/// Speed comes from the data layout, not from changing the algorithm: words are id runs in one flat array
/// rewritten in place, pair keys are packed `UInt64`s in an open-addressing table, candidate word lists live in
/// one pool that is compacted as candidates die.
package struct BPEMergeLearner {
    package var vocabSize: Int
    package var minFrequency: UInt64
    package var maxTokenLength: Int?

    package init(vocabSize: Int, minFrequency: UInt64, maxTokenLength: Int?) {
        self.vocabSize = vocabSize
        self.minFrequency = minFrequency
        self.maxTokenLength = maxTokenLength
    }

    @inline(__always) static func key(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) << 32 | UInt64(b) }

    /// Runs training. `progress` is called after every merge step with the number of tokens so far.
    package func learn(_ words: PreTokenCounts, progress: ((Int) -> Void)? = nil) throws -> BPETrainingResult {
        let maxLen = maxTokenLength ?? Int.max
        // Tokens.
        var tokens: [[UInt8]] = TrainingByteOrder.byteOfID.map { [$0] }
        var tokenLen: [Int] = [Int](repeating: 1, count: 256)
        var tokenIDs: [[UInt8]: UInt32] = [:]
        for (i, t) in tokens.enumerated() { tokenIDs[t] = UInt32(i) }

        // Words as id runs in one flat array. Each word is a header — current length, count (low, high 32 bits)
        // — followed by its symbols, and candidates refer to words by header offset: a merge step touches one
        // memory region per word instead of four arrays.
        let wordCount = words.distinctCount
        var sym = [UInt32](repeating: 0, count: words.arena.count + 3 * wordCount)
        var wordOffsets = [UInt32](repeating: 0, count: wordCount)
        let idOfByte = TrainingByteOrder.idOfByte
        var o = 0
        for w in 0..<wordCount {
            let s = words.starts[w], e = words.starts[w + 1]
            guard o + 3 + (e - s) <= Int(UInt32.max) else {
                throw AIGCError.unsupported("too many distinct pre-tokens to train on: their bytes exceed 4 GiB")
            }
            wordOffsets[w] = UInt32(o)
            sym[o] = UInt32(e - s)
            // HF adds counts as i32; real corpora stay far below 2³¹ per word, and we keep the full value.
            sym[o + 1] = UInt32(truncatingIfNeeded: words.counts[w])
            sym[o + 2] = UInt32(truncatingIfNeeded: words.counts[w] >> 32)
            for i in s..<e { sym[o + 3 + i - s] = idOfByte[Int(words.arena[i])] }
            o += 3 + e - s
        }

        // Initial pair counts and, per pair, the words containing it (CSR layout in the pool).
        var pairCounts = PairCountTable(capacity: 1 << 16)
        var pairIndex = PairCountTable(capacity: 1 << 16)
        var pairKeys: [UInt64] = []
        var pairWordCount: [Int] = []
        var lastWord: [UInt32] = []
        for w in 0..<wordCount {
            let wo = Int(wordOffsets[w])
            let n = Int(sym[wo])
            if n < 2 { continue }
            let c = Int64(sym[wo + 1]) | Int64(sym[wo + 2]) << 32
            let word = UInt32(wo)
            for i in (wo + 3)..<(wo + 2 + n) {
                let k = Self.key(sym[i], sym[i + 1])
                pairCounts.add(k, c)
                var idx = Int(pairIndex.get(k) ?? -1)
                if idx < 0 {
                    idx = pairKeys.count
                    pairIndex.add(k, Int64(idx))
                    pairKeys.append(k); pairWordCount.append(0); lastWord.append(UInt32.max)
                }
                if lastWord[idx] != word { lastWord[idx] = word; pairWordCount[idx] += 1 }
            }
        }
        var pool = EntryPool()
        var fill = [Int](repeating: 0, count: pairKeys.count)
        var offset = 0
        for idx in 0..<pairKeys.count { fill[idx] = offset; offset += pairWordCount[idx] }
        pool.words = [UInt32](repeating: 0, count: offset)
        for idx in 0..<pairKeys.count { lastWord[idx] = UInt32.max }
        for w in 0..<wordCount {
            let wo = Int(wordOffsets[w])
            let n = Int(sym[wo])
            if n < 2 { continue }
            let word = UInt32(wo)
            for i in (wo + 3)..<(wo + 2 + n) {
                let idx = Int(pairIndex.get(Self.key(sym[i], sym[i + 1]))!)
                if lastWord[idx] != word { lastWord[idx] = word; pool.words[fill[idx]] = word; fill[idx] += 1 }
            }
        }
        wordOffsets = []
        var initial: [MergeCandidate] = []
        initial.reserveCapacity(pairKeys.count)
        offset = 0
        for idx in 0..<pairKeys.count {
            let e = pool.addEntry(offset: offset, length: pairWordCount[idx])
            offset += pairWordCount[idx]
            let c = pairCounts.get(pairKeys[idx])!
            if c > 0 { initial.append(MergeCandidate(count: UInt64(c), pair: pairKeys[idx], entry: e)) } else { pool.kill(e) }
        }
        pairIndex = PairCountTable(); lastWord = []; fill = []
        var queue = MergeQueue(initial)
        initial = []

        // Merge loop.
        var rawMerges: [BPEMerge] = []
        var stepCounts: [UInt64] = []
        var created: [(pair: UInt64, word: UInt32)] = []
        while tokens.count < vocabSize {
            guard var top = queue.pop() else { break }
            let current = UInt64(bitPattern: pairCounts.get(top.pair) ?? 0)
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || minFrequency > top.count { break }
            let a = UInt32(truncatingIfNeeded: top.pair >> 32), b = UInt32(truncatingIfNeeded: top.pair)
            let bytes = tokens[Int(a)] + tokens[Int(b)]
            let newID: UInt32
            if let existing = tokenIDs[bytes] { newID = existing } else {
                newID = UInt32(tokens.count)
                tokenIDs[bytes] = newID
                tokens.append(bytes)
                tokenLen.append(bytes.count)
            }
            let newLen = tokenLen[Int(newID)]
            rawMerges.append(BPEMerge(left: a, right: b, result: newID))
            stepCounts.append(top.count)

            created.removeAll(keepingCapacity: true)
            let (off, len) = pool.range(top.entry)
            sym.withUnsafeMutableBufferPointer { s in
                pool.words.withUnsafeBufferPointer { entryWords in
                    for p in off..<(off + len) {
                        let word = entryWords[p]
                        let wo = Int(word)
                        let start = wo + 3
                        let end = start + Int(s[wo])
                        let c = Int64(s[wo + 1]) | Int64(s[wo + 2]) << 32
                        var r = start, o = start
                        while r < end {
                            if s[r] == a && r + 1 < end && s[r + 1] == b {
                                if o > start {
                                    let prev = s[o - 1]
                                    pairCounts.add(Self.key(prev, a), -c)
                                    if tokenLen[Int(prev)] + newLen < maxLen {
                                        let k = Self.key(prev, newID)
                                        pairCounts.add(k, c)
                                        created.append((k, word))
                                    }
                                }
                                if r + 2 < end {
                                    let next = s[r + 2]
                                    pairCounts.add(Self.key(b, next), -c)
                                    if tokenLen[Int(next)] + newLen < maxLen {
                                        let k = Self.key(newID, next)
                                        pairCounts.add(k, c)
                                        created.append((k, word))
                                    }
                                }
                                s[o] = newID
                                o += 1; r += 2
                            } else {
                                s[o] = s[r]
                                o += 1; r += 1
                            }
                        }
                        s[wo] = UInt32(o - start)
                    }
                }
            }
            pool.kill(top.entry)

            // New candidates: one per pair that gained occurrences in this step, owning exactly those words.
            if !created.isEmpty {
                created.sort { $0.pair != $1.pair ? $0.pair < $1.pair : $0.word < $1.word }
                var i = 0
                while i < created.count {
                    let k = created[i].pair
                    let begin = pool.words.count
                    var lastW = UInt32.max
                    while i < created.count && created[i].pair == k {
                        if created[i].word != lastW { lastW = created[i].word; pool.words.append(lastW) }
                        i += 1
                    }
                    let c = pairCounts.get(k) ?? 0
                    let e = pool.addEntry(offset: begin, length: pool.words.count - begin)
                    if c > 0 { queue.push(MergeCandidate(count: UInt64(c), pair: k, entry: e)) } else { pool.kill(e) }
                }
            }
            if pool.shouldCompact { pool.compact() }
            progress?(tokens.count)
        }

        // HF's tokenizer.json lists each pair once, at the rank of its last merge step.
        var lastStep: [UInt64: Int] = [:]
        for (i, m) in rawMerges.enumerated() { lastStep[Self.key(m.left, m.right)] = i }
        let merges = rawMerges.enumerated().filter { lastStep[Self.key($0.element.left, $0.element.right)] == $0.offset }.map(\.element)
        return BPETrainingResult(tokens: tokens, merges: merges, mergeSteps: rawMerges.count, stepCounts: stepCounts)
    }
}
