import AIGCCore
import Foundation

/// Continuous batching for one model: a single decode loop, on its own thread, advances every running completion
/// by one token per step with one `BatchedDecoder.step` (one sgemm per weight matrix per layer for the whole
/// batch). New requests join between steps as soon as slots are free; finished, cancelled or disconnected ones
/// leave at once. The server and the Swift facade both submit here, from any number of tasks.
///
/// Admission is first come, first served: a request waits in a bounded queue until it has `n` free slots (one
/// per completion) and its prompt fits the step's token budget; a full queue is refused at once
/// (`EngineError.queueFull`), never buffered without limit.
public final class InferenceEngine: @unchecked Sendable {
    public struct Options: Sendable {
        /// Completions decoded at once (KV-cache slots).
        public var maxBatch = 16
        /// Requests waiting for slots before new ones are refused.
        public var maxQueue = 256
        public init(maxBatch: Int = 16, maxQueue: Int = 256) {
            self.maxBatch = maxBatch
            self.maxQueue = maxQueue
        }
    }

    public enum Event: Sendable {
        /// The request's first token was sampled (time to first token).
        case firstToken
        /// Final text of completion `choice` (its index in the response).
        case delta(choice: Int, bytes: [UInt8])
        /// Completion `choice` is complete.
        case finished(Completion)
    }

    public enum EngineError: Error, Sendable, CustomStringConvertible {
        case queueFull(Int)
        case shuttingDown
        case tooManyChoices(n: Int, maxBatch: Int)
        public var description: String {
            switch self {
            case .queueFull(let q): return "the server is busy: \(q) requests are already waiting"
            case .shuttingDown: return "the model is shutting down"
            case .tooManyChoices(let n, let b): return "n = \(n) completions exceed the server's batch of \(b) sequences"
            }
        }
    }

    /// A submitted request: its events, and a way to withdraw it.
    public final class Request: Sendable {
        public let events: AsyncThrowingStream<Event, any Error>
        public let promptTokens: Int
        let job: Job
        init(job: Job, events: AsyncThrowingStream<Event, any Error>) {
            self.job = job
            self.events = events
            promptTokens = job.prompt.count
        }
        /// Withdraws the request: its completions leave the batch before the next step.
        public func cancel() { job.cancel() }
    }

    /// What the decode loop reports after each step (for metrics).
    public struct StepReport: Sendable {
        public var sequences: Int
        public var tokens: Int
        public var queued: Int
    }

    public let model: GPTModel
    public let codec: (any TokenCodec)?
    public let options: Options
    /// The loop's state lives in its own object, which the decode thread holds: the engine can be released (its
    /// `deinit` stops the loop) while the thread still runs to its end.
    let loop: DecodeLoop

    public init(model: GPTModel, codec: (any TokenCodec)?, options: Options = Options()) throws {
        guard options.maxBatch >= 1, options.maxBatch <= 1024 else { throw AIGCError.usage("max batch must be in 1...1024 (got \(options.maxBatch))") }
        guard options.maxQueue >= 0, options.maxQueue <= 1_000_000 else { throw AIGCError.usage("max queue must be in 0...1000000 (got \(options.maxQueue))") }
        self.model = model
        self.codec = codec
        self.options = options
        loop = try DecodeLoop(model: model, codec: codec, options: options)
    }

    deinit { loop.shutdown(timeout: 30) }

    /// Called after every step with the batch's size.
    public func setStepObserver(_ f: @escaping @Sendable (StepReport) -> Void) { loop.setStepObserver(f) }

    /// Holds the decode loop between steps (tests: makes "the batch is busy" deterministic).
    package func setPaused(_ p: Bool) { loop.setPaused(p) }

    /// Requests waiting for slots.
    public var queueDepth: Int { loop.queueDepth }

    /// Queues a prompt. Completion k of this prompt gets index `indexBase + k` in events.
    public func submit(prompt: [Int32], parameters: SamplingParameters, indexBase: Int = 0) throws -> Request {
        try loop.submit(prompt: prompt, parameters: parameters, indexBase: indexBase)
    }

    /// Stops taking requests, lets the running and queued ones finish, and ends the loop (waits at most `timeout`
    /// seconds, then cancels what is left).
    public func shutdown(timeout: Double = 30) { loop.shutdown(timeout: timeout) }
}

/// The decode loop of an `InferenceEngine` and everything it owns (see there).
final class DecodeLoop: @unchecked Sendable {
    typealias Event = InferenceEngine.Event
    typealias EngineError = InferenceEngine.EngineError
    typealias Request = InferenceEngine.Request
    typealias StepReport = InferenceEngine.StepReport
    typealias Options = InferenceEngine.Options

    let model: GPTModel
    let codec: (any TokenCodec)?
    let options: Options
    let decoder: BatchedDecoder
    let cond = NSCondition()
    // Guarded by `cond`.
    var pending: [Job] = []
    var stopping = false
    var stopped = false
    var paused = false
    var running: [Job] = []  // owned by the loop thread
    var freeSlots: [Int]
    var onStep: (@Sendable (StepReport) -> Void)?

    init(model: GPTModel, codec: (any TokenCodec)?, options: Options) throws {
        self.model = model
        self.codec = codec
        self.options = options
        decoder = try BatchedDecoder(model: model, slots: options.maxBatch)
        freeSlots = Array((0..<options.maxBatch).reversed())
        let t = Thread { self.loop() }  // strong: the thread keeps the loop alive until it ends
        t.name = "aigc-decode"
        t.stackSize = 8 << 20

        t.start()
    }

    /// Called after every step with the batch's size (set before submitting; not thread-safe to change later).
    func setStepObserver(_ f: @escaping @Sendable (StepReport) -> Void) {
        cond.lock(); onStep = f; cond.unlock()
    }

    /// Holds the decode loop between steps (tests: makes "the batch is busy" deterministic).
    func setPaused(_ p: Bool) {
        cond.lock(); paused = p; cond.broadcast(); cond.unlock()
    }

    /// Requests waiting for slots.
    var queueDepth: Int { cond.lock(); defer { cond.unlock() }; return pending.count }

    /// Queues a prompt. Completion k of this prompt gets index `indexBase + k` in events.
    func submit(prompt: [Int32], parameters: SamplingParameters, indexBase: Int = 0) throws -> Request {
        try parameters.validate()
        try Generator.checkPrompt(prompt, model: model)
        guard parameters.n <= options.maxBatch else { throw EngineError.tooManyChoices(n: parameters.n, maxBatch: options.maxBatch) }
        let (stream, continuation) = AsyncThrowingStream<Event, any Error>.makeStream(bufferingPolicy: .unbounded)
        let job = Job(prompt: prompt, parameters: parameters, indexBase: indexBase, context: model.config.blockSize,
                      continuation: continuation)
        continuation.onTermination = { [weak job] reason in
            if case .cancelled = reason { job?.cancel() }
        }
        cond.lock()
        defer { cond.unlock() }
        if stopping { throw EngineError.shuttingDown }
        guard pending.count < options.maxQueue || (pending.isEmpty && freeSlots.count >= parameters.n) else {
            throw EngineError.queueFull(pending.count)
        }
        pending.append(job)
        cond.signal()
        return Request(job: job, events: stream)
    }

    /// Stops taking requests, lets the running and queued ones finish, and ends the loop (waits at most `timeout`
    /// seconds, then cancels what is left).
    func shutdown(timeout: Double = 30) {
        cond.lock()
        if stopped { cond.unlock(); return }
        stopping = true
        cond.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while !stopped {
            if !cond.wait(until: deadline) {
                for j in pending { j.cancel() }
                break
            }
        }
        cond.unlock()
    }

    // MARK: - The decode loop

    private func loop() {
        while true {
            cond.lock()
            while (pending.isEmpty && running.isEmpty && !stopping) || (paused && !stopping) { cond.wait() }
            if stopping && pending.isEmpty && running.isEmpty {
                stopped = true
                cond.broadcast()
                cond.unlock()
                return
            }
            // Leave: cancelled requests free their slots before anything else is decided.
            for j in running where j.isCancelled {
                freeSlots.append(contentsOf: j.slots)
                j.slots = []
                j.continuation.finish(throwing: CancellationError())
            }
            running.removeAll { $0.isCancelled }
            pending.removeAll { j in
                if j.isCancelled { j.continuation.finish(throwing: CancellationError()) }
                return j.isCancelled
            }
            // Join: first come, first served, while slots and the step's token budget allow.
            var budget = decoder.maxStepTokens - running.reduce(0) { $0 + $1.liveCount }
            var joined: [Job] = []
            while let j = pending.first, j.parameters.n <= freeSlots.count, j.prompt.count <= budget {
                pending.removeFirst()
                j.slots = (0..<j.parameters.n).map { _ in freeSlots.removeLast() }
                budget -= j.prompt.count
                joined.append(j)
            }
            let queued = pending.count
            let observer = onStep
            cond.unlock()
            if running.isEmpty && joined.isEmpty { continue }
            step(joined: joined, queued: queued, observer: observer)
        }
    }

    private func step(joined: [Job], queued: Int, observer: (@Sendable (StepReport) -> Void)?) {
        var segments: [BatchedDecoder.Segment] = []
        var rows: [(Job, Int)] = []  // (job, choice) per decode row
        for j in running {
            for k in 0..<j.parameters.n {
                if let t = j.next[k] {
                    segments.append(.init(slot: j.slots[k], tokens: [t]))
                    rows.append((j, k))
                }
            }
        }
        let decodeRows = segments.count
        for j in joined {
            decoder.reset(slot: j.slots[0])
            segments.append(.init(slot: j.slots[0], tokens: j.prompt))
        }
        do {
            try decoder.step(segments)
        } catch {
            for j in running + joined { j.continuation.finish(throwing: error); release(j) }
            running.removeAll()
            return
        }
        observer?(StepReport(sequences: segments.count, tokens: segments.reduce(0) { $0 + $1.tokens.count }, queued: queued))
        for (r, (j, k)) in rows.enumerated() { advance(j, k, row: r) }
        for (q, j) in joined.enumerated() {
            for k in 1..<max(1, j.parameters.n) { decoder.copy(slot: j.slots[0], to: j.slots[k]) }
            j.continuation.yield(.firstToken)
            for k in 0..<j.parameters.n { advance(j, k, row: decodeRows + q) }
            running.append(j)
        }
        running.removeAll { j in
            guard j.liveCount == 0 else { return false }
            release(j)
            j.continuation.finish()
            return true
        }
    }

    private func advance(_ j: Job, _ k: Int, row: Int) {
        let (t, delta) = j.choices[k].advance(decoder.logits(row), codec: codec)
        j.next[k] = t
        if !delta.isEmpty { j.continuation.yield(.delta(choice: j.indexBase + k, bytes: delta)) }
        if t == nil {
            var c = j.choices[k].completion
            c.index = j.indexBase + k
            j.continuation.yield(.finished(c))
        }
    }

    private func release(_ j: Job) {
        let slots = j.slots
        j.slots = []
        cond.lock()
        freeSlots.append(contentsOf: slots)
        cond.unlock()
    }
}

/// A request inside the engine: its prompt, its completions' decoders and slots.
final class Job: @unchecked Sendable {
    let prompt: [Int32]
    let parameters: SamplingParameters
    let indexBase: Int
    let continuation: AsyncThrowingStream<InferenceEngine.Event, any Error>.Continuation
    var slots: [Int] = []
    var choices: [ChoiceDecoder]
    var next: [Int32?]
    private let cancelled = NSLock()
    private var _cancelled = false

    init(prompt: [Int32], parameters: SamplingParameters, indexBase: Int, context: Int,
         continuation: AsyncThrowingStream<InferenceEngine.Event, any Error>.Continuation) {
        self.prompt = prompt
        self.parameters = parameters
        self.indexBase = indexBase
        self.continuation = continuation
        choices = (0..<parameters.n).map {
            ChoiceDecoder(index: indexBase + $0, seedIndex: $0, parameters: parameters, promptCount: prompt.count, context: context)
        }
        next = [Int32?](repeating: nil, count: parameters.n)
    }

    var liveCount: Int { next.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    var isCancelled: Bool { cancelled.lock(); defer { cancelled.unlock() }; return _cancelled }
    func cancel() { cancelled.lock(); _cancelled = true; cancelled.unlock() }
}
