import AIGCCore

/// OpenAI completion parameters. Order of application to the next-token logits: `logitBias`, then
/// presence/frequency penalties (over tokens generated so far in this completion), then temperature (0 = greedy),
/// then top-k, then top-p (nucleus), then sampling.
public struct SamplingParameters: Sendable, Equatable {
    public var maxTokens = 16
    public var temperature = 1.0
    /// 0 = no top-k filtering.
    public var topK = 0
    public var topP = 1.0
    /// Number of completions.
    public var n = 1
    /// Stop sequences: generation ends before the first occurrence of any; it is not part of the output.
    public var stop: [String] = []
    public var seed: UInt64 = 0
    public var presencePenalty = 0.0
    public var frequencyPenalty = 0.0
    /// Added to a token's logit before sampling (OpenAI: −100…100; −100 bans, 100 forces).
    public var logitBias: [Int32: Double] = [:]
    /// Return the top-K alternatives' log-probabilities for every generated token (nil = none).
    public var logprobs: Int?
    /// Tokens that end a completion with finish reason "stop" besides the codec's end-of-text (e.g. a chat
    /// template's end-of-turn token). They are not part of the output.
    public var stopTokens: Set<Int32> = []

    public init() {}

    /// Throws naming the first bad parameter (by its OpenAI name).
    public func validate() throws {
        guard maxTokens >= 0 else { throw AIGCError.usage("max_tokens must be ≥ 0 (got \(maxTokens))") }
        guard temperature.isFinite, temperature >= 0 && temperature <= 2 else { throw AIGCError.usage("temperature must be in [0, 2] (got \(temperature))") }
        guard topK >= 0 else { throw AIGCError.usage("top_k must be ≥ 0 (got \(topK))") }
        guard topP.isFinite, topP > 0 && topP <= 1 else { throw AIGCError.usage("top_p must be in (0, 1] (got \(topP))") }
        guard n >= 1 && n <= 128 else { throw AIGCError.usage("n must be in 1...128 (got \(n))") }
        guard stop.count <= 8, stop.allSatisfy({ !$0.isEmpty }) else { throw AIGCError.usage("stop: up to 8 non-empty sequences (4 from a request, plus a chat template's own)") }
        guard presencePenalty.isFinite, abs(presencePenalty) <= 2 else { throw AIGCError.usage("presence_penalty must be in [-2, 2]") }
        guard frequencyPenalty.isFinite, abs(frequencyPenalty) <= 2 else { throw AIGCError.usage("frequency_penalty must be in [-2, 2]") }
        if let k = logprobs, k < 0 || k > 20 { throw AIGCError.usage("logprobs must be in 0...20 (got \(k))") }
        for (t, b) in logitBias where !(b.isFinite && abs(b) <= 100) {
            throw AIGCError.usage("logit_bias for token \(t) must be in [-100, 100] (got \(b))")
        }
    }
}
