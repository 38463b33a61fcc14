import AIGC
import Prometheus

/// The server's Prometheus metrics (`GET /metrics`, text exposition format): requests by route and status,
/// prompt and completion tokens, queue depth, batch size per decode step, time to first token and latency.
/// Route labels are route templates (`/v1/models/{id}`), never raw paths, so a scan of random URLs cannot grow
/// the label set.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let promptTokens, completionTokens: Counter
    let queueDepth, runningSequences: Gauge
    let batchSize: ValueHistogram
    let timeToFirstToken: ValueHistogram
    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    public init() {
        promptTokens = registry.makeCounter(name: "aigc_prompt_tokens_total", help: "Prompt tokens processed.")
        completionTokens = registry.makeCounter(name: "aigc_completion_tokens_total", help: "Completion tokens generated.")
        queueDepth = registry.makeGauge(name: "aigc_queue_depth", help: "Requests waiting for a batch slot (after the last decode step).")
        runningSequences = registry.makeGauge(name: "aigc_batch_sequences", help: "Sequences in the last decode step.")
        batchSize = registry.makeValueHistogram(name: "aigc_batch_size", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
                                                help: "Sequences per decode step.")
        timeToFirstToken = registry.makeValueHistogram(name: "aigc_time_to_first_token_seconds", buckets: Self.latencyBuckets,
                                                       help: "From request arrival to the first sampled token.")
    }

    func recordStep(_ r: InferenceEngine.StepReport) {
        batchSize.record(Double(r.sequences))
        runningSequences.set(to: Double(r.sequences))
        queueDepth.set(to: Double(r.queued))
    }

    func recordRequest(route: String, status: Int, seconds: Double) {
        registry.makeCounter(name: "aigc_requests_total", labels: [("route", route), ("status", String(status))],
                             help: "HTTP requests by route template and status.").increment()
        registry.makeValueHistogram(name: "aigc_request_duration_seconds", labels: [("route", route)],
                                    buckets: Self.latencyBuckets, help: "Request latency (to the last byte for streams).").record(seconds)
    }

    func recordUsage(prompt: Int, completion: Int) {
        promptTokens.increment(by: Int64(prompt))
        completionTokens.increment(by: Int64(completion))
    }

    func recordFirstToken(seconds: Double) { timeToFirstToken.record(seconds) }

    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
