import AIGCCore

/// One completion being decoded: its random generator, penalties, generated tokens and bytes, stop sequences,
/// what has been streamed so far and why it finished. `Generator` (one request) and `InferenceEngine`
/// (continuous batching) both drive completions through this type, so they sample and stop identically.
///
/// Streaming never shows text that may still turn out to be the start of a stop sequence, nor half a UTF-8
/// character: `advance` returns only bytes that are final.
package struct ChoiceDecoder: Sendable {
    package private(set) var completion: Completion
    package private(set) var done: Bool
    var rng: Xoshiro256
    var counts: [Int32: Int] = [:]
    var emitted = 0
    let stops: [[UInt8]]
    let longestStop: Int
    let parameters: SamplingParameters
    let promptCount: Int
    let context: Int
    var row: [Float] = []

    /// - Parameters:
    ///   - index: the completion's index in the response (`choices[i].index`).
    ///   - seedIndex: which of the prompt's `n` completions this is: completion k of a prompt samples with a
    ///     generator seeded from (seed, k), so a prompt gives the same completions alone or in a batch.
    package init(index: Int, seedIndex: Int, parameters: SamplingParameters, promptCount: Int, context: Int) {
        completion = Completion(index: index, tokens: [], bytes: [], finish: .length, logprobs: parameters.logprobs == nil ? nil : [])
        done = parameters.maxTokens == 0
        rng = Xoshiro256(seed: parameters.seed &+ UInt64(seedIndex) &* 0x9E37_79B9_7F4A_7C15)
        stops = parameters.stop.map { Array($0.utf8) }
        longestStop = stops.map(\.count).max() ?? 0
        self.parameters = parameters
        self.promptCount = promptCount
        self.context = context
    }

    /// Samples the next token from `logits` (the row after the last fed token). Returns the token to feed next
    /// (nil once the completion has finished) and the bytes that became final.
    package mutating func advance(_ logits: UnsafeBufferPointer<Float>, codec: (any TokenCodec)?) -> (next: Int32?, delta: [UInt8]) {
        if done { return (nil, []) }
        let p = parameters
        let tok: Int32
        // Bias and penalties rewrite a copy of the row; the common case samples the model's row in place.
        if !p.logitBias.isEmpty || (!counts.isEmpty && (p.presencePenalty != 0 || p.frequencyPenalty != 0)) {
            row.removeAll(keepingCapacity: true)
            row.append(contentsOf: logits)
            for (t, b) in p.logitBias where t >= 0 && Int(t) < row.count { row[Int(t)] += Float(b) }
            Sampler.applyPenalties(&row, counts: counts, presence: p.presencePenalty, frequency: p.frequencyPenalty)
            tok = row.withUnsafeBufferPointer { sampleAndRecord($0) }
        } else {
            tok = sampleAndRecord(logits)
        }
        if tok == codec?.endOfText || p.stopTokens.contains(tok) {
            if completion.logprobs != nil { completion.logprobs!.removeLast() }
            return finish(.stop)
        }
        completion.tokens.append(tok)
        counts[tok, default: 0] += 1
        let before = completion.bytes.count
        if let codec { completion.bytes += codec.bytes(of: tok) }
        if let cut = firstStop(after: before) {
            completion.bytes.removeSubrange(cut...)
            // Drop the tokens that lie entirely inside the stop sequence (and their logprobs).
            if let codec {
                var start = 0, keep = 0
                for t in completion.tokens {
                    if start >= cut { break }
                    start += codec.bytes(of: t).count
                    keep += 1
                }
                completion.tokens.removeLast(completion.tokens.count - keep)
                if completion.logprobs != nil { completion.logprobs!.removeLast(completion.logprobs!.count - keep) }
            }
            return finish(.stop)
        }
        if completion.tokens.count >= p.maxTokens || promptCount + completion.tokens.count >= context {
            return finish(.length)
        }
        let safe = safePrefix()
        defer { emitted = max(emitted, safe) }
        return (tok, safe > emitted ? Array(completion.bytes[emitted ..< safe]) : [])
    }

    private mutating func sampleAndRecord(_ l: UnsafeBufferPointer<Float>) -> Int32 {
        let t = Sampler.sample(l, parameters: parameters, rng: &rng)
        completion.sampledTokens += 1
        if let k = parameters.logprobs { completion.logprobs?.append(Sampler.logprobs(l, chosen: t, top: k)) }
        return t
    }

    private mutating func finish(_ reason: Completion.FinishReason) -> (next: Int32?, delta: [UInt8]) {
        done = true
        completion.finish = reason
        let rest = completion.bytes.count > emitted ? Array(completion.bytes[emitted...]) : []
        emitted = completion.bytes.count
        return (nil, rest)
    }

    /// Byte offset of the earliest stop sequence that ends after `before` (earlier ones were checked already).
    func firstStop(after before: Int) -> Int? {
        let bytes = completion.bytes
        var best: Int?
        for s in stops where s.count <= bytes.count {
            let from = max(0, before - s.count + 1)
            guard from <= bytes.count - s.count else { continue }
            for start in from...(bytes.count - s.count) where bytes[start] == s[0] {
                if bytes[start ..< start + s.count].elementsEqual(s) { best = min(best ?? start, start); break }
            }
        }
        return best
    }

    /// Length of the prefix that can be shown: no suffix that may begin a stop sequence, whole UTF-8 characters.
    func safePrefix() -> Int {
        Self.safePrefix(completion.bytes, stops)
    }

    static func safePrefix(_ bytes: [UInt8], _ stops: [[UInt8]]) -> Int {
        var end = bytes.count
        for s in stops {
            for k in stride(from: min(s.count - 1, bytes.count), through: 1, by: -1)
            where bytes[(bytes.count - k)...].elementsEqual(s[0..<k]) {
                end = min(end, bytes.count - k)
                break
            }
        }
        // Do not split a UTF-8 sequence that the next tokens may complete.
        return bytes.withUnsafeBufferPointer { UTF8Bytes.completePrefixLength(UnsafeBufferPointer(rebasing: $0[..<end])) }
    }
}
