import AIGCCore

/// OpenAI completion parameters. Order of application to the next-token logits: presence/frequency penalties
/// (over tokens generated so far in this completion), then temperature (0 = greedy), then top-k, then top-p
/// (nucleus), then sampling.
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
    /// Return the top-K alternatives' log-probabilities for every generated token (nil = none).
    public var logprobs: Int?

    public init() {}

    public func validate() throws {
        guard maxTokens >= 0 else { throw AIGCError.usage("max tokens must be ≥ 0") }
        guard temperature >= 0 && temperature <= 2 else { throw AIGCError.usage("temperature must be in [0, 2]") }
        guard topK >= 0 else { throw AIGCError.usage("top-k must be ≥ 0") }
        guard topP > 0 && topP <= 1 else { throw AIGCError.usage("top-p must be in (0, 1]") }
        guard n >= 1 && n <= 128 else { throw AIGCError.usage("n must be in 1...128") }
        guard stop.count <= 4, stop.allSatisfy({ !$0.isEmpty }) else { throw AIGCError.usage("up to 4 non-empty stop sequences") }
        guard abs(presencePenalty) <= 2, abs(frequencyPenalty) <= 2 else { throw AIGCError.usage("penalties must be in [-2, 2]") }
        if let k = logprobs, k < 0 || k > 20 { throw AIGCError.usage("logprobs must be in 0...20") }
    }
}
