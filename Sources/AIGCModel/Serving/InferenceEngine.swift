import AIGCCore
import Foundation

/// Continuous batching for one model: a single decode loop, on its own thread, advances every running completion
/// by one token per step with one `BatchedDecoder.step` (each weight matrix read once per layer for the whole
/// batch). Prompts are prefilled on a second thread into the same `KVCache`, so a 100-token prompt (the most
/// arithmetic a request costs) does not stall the running sequences' steps and the two threads keep two cores
/// busy without synchronising inside a step. When prompts queue up behind a busy prefill thread, the decode
/// thread prefills the next one itself between two steps (one prompt per step): under load the prefill thread
/// alone is the bottleneck (with 16 concurrent clients sending 100-token prompts, requests waited ~170 ms for it
/// and the decode steps ran 5.2 rows on average instead of 16), and a step with 16 rows costs little more than one with 5, so
/// sharing the prompts fills the batch and lowers the CPU per token. A prefilled request joins the batch between
/// steps; finished, cancelled or disconnected ones leave at once. Which thread prefills a prompt does not change
/// its output (both run the same single-prompt step; see `BatchedDecoder` on batch invariance). The server and the Swift facade both submit here, from any
/// number of tasks.
///
/// Admission is first come, first served: a request waits in a bounded queue until it has `n` free slots (one
/// per completion); a full queue is refused at once (`EngineError.queueFull`), never buffered without limit.
public final class InferenceEngine: @unchecked Sendable {
    public struct Options: Sendable {
        /// Completions decoded at once (KV-cache slots).
        public var maxBatch = 16
        /// Requests waiting for slots before new ones are refused.
        public var maxQueue = 256
        /// Precision of the linear layers' weights (bf16: packed once at start, shared by both threads).
        public var weights: WeightPrecision = .fp32
        public init(maxBatch: Int = 16, maxQueue: Int = 256, weights: WeightPrecision = .fp32) {
            self.maxBatch = maxBatch
            self.maxQueue = maxQueue
            self.weights = weights
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

    /// When the decode thread prefills a waiting prompt itself (see the type's note).
    package enum PrefillHelp: Sendable {
        /// When more prompts wait behind the busy prefill thread than sequences are decoding.
        case auto
        /// Whenever a prompt waits (tests: makes the decode thread's prefill path deterministic).
        case always
        /// Never (tests: everything through the prefill thread).
        case never
    }

    /// Sets when the decode thread helps prefill (tests).
    package func setPrefillHelp(_ h: PrefillHelp) { loop.setPrefillHelp(h) }

    /// Prompts the decode thread has prefilled itself so far.
    package var helpedPrefills: Int { loop.helpedPrefillCount }

    /// Queues a prompt. Completion k of this prompt gets index `indexBase + k` in events.
    public func submit(prompt: [Int32], parameters: SamplingParameters, indexBase: Int = 0) throws -> Request {
        try loop.submit(prompt: prompt, parameters: parameters, indexBase: indexBase)
    }

    /// Stops taking requests, lets the running and queued ones finish, and ends the loop (waits at most `timeout`
    /// seconds, then cancels what is left).
    public func shutdown(timeout: Double = 30) { loop.shutdown(timeout: timeout) }
}

/// The decode loop of an `InferenceEngine`, its prefill thread and everything they own (see there).
final class DecodeLoop: @unchecked Sendable {
    typealias Event = InferenceEngine.Event
    typealias EngineError = InferenceEngine.EngineError
    typealias Request = InferenceEngine.Request
    typealias StepReport = InferenceEngine.StepReport
    typealias Options = InferenceEngine.Options
    typealias PrefillHelp = InferenceEngine.PrefillHelp

    let model: GPTModel
    let codec: (any TokenCodec)?
    let options: Options
    /// The running sequences' one-token steps (decode thread).
    let decoder: BatchedDecoder
    /// Prompts, one at a time (prefill thread), into the same cache.
    let prefiller: BatchedDecoder
    /// Prompts the decode thread takes over from a busy prefill thread (its own activations; same cache).
    let helper: BatchedDecoder
    let cond = NSCondition()
    // Guarded by `cond`.
    var pending: [Job] = []  // waiting for slots
    var toPrefill: [Job] = []  // have slots, wait for the prefill thread
    var prefilled: [Job] = []  // prompt done, wait to join the batch
    var prefillBusy = false
    var stopping = false
    var stopped = false
    var paused = false
    var prefillHelp = PrefillHelp.auto
    /// Prompts the decode thread prefilled itself (tests, metrics).
    var helpedPrefills = 0
    var freeSlots: [Int]
    var onStep: (@Sendable (StepReport) -> Void)?
    var running: [Job] = []  // owned by the decode thread

    init(model: GPTModel, codec: (any TokenCodec)?, options: Options) throws {
        self.model = model
        self.codec = codec
        self.options = options
        let c = model.config
        try BatchedDecoder.checkMemory(BatchedDecoder.memoryBytes(config: c, slots: options.maxBatch, maxStepTokens: options.maxBatch)
                                       + 2 * BatchedDecoder.activationCount(config: c, slots: options.maxBatch, maxStepTokens: c.blockSize) * 4,
                                       config: c, slots: options.maxBatch)
        let cache = try KVCache(config: c, slots: options.maxBatch, bf16: options.weights == .bf16)
        let bf16 = options.weights == .bf16 ? try BF16Weights(model: model) : nil
        decoder = try BatchedDecoder(model: model, cache: cache, maxStepTokens: options.maxBatch, bf16: bf16)
        prefiller = try BatchedDecoder(model: model, cache: cache, maxStepTokens: c.blockSize, bf16: bf16)
        helper = try BatchedDecoder(model: model, cache: cache, maxStepTokens: c.blockSize, bf16: bf16)
        freeSlots = Array((0..<options.maxBatch).reversed())
        // Strong references: the threads keep the loop alive until they end.
        let t = Thread { self.loop() }
        t.name = "aigc-decode"
        t.stackSize = 8 << 20
        let p = Thread { self.prefillLoop() }
        p.name = "aigc-prefill"
        p.stackSize = 8 << 20
        t.start()
        p.start()
    }

    /// Called after every step with the batch's size (set before submitting; not thread-safe to change later).
    func setStepObserver(_ f: @escaping @Sendable (StepReport) -> Void) {
        cond.lock(); onStep = f; cond.unlock()
    }

    /// Holds the decode loop between steps and stops admitting requests (tests: makes "the batch is busy"
    /// deterministic).
    func setPaused(_ p: Bool) {
        cond.lock(); paused = p; cond.broadcast(); cond.unlock()
    }

    /// Requests waiting for slots.
    var queueDepth: Int { cond.lock(); defer { cond.unlock() }; return pending.count }

    func setPrefillHelp(_ h: PrefillHelp) { cond.lock(); prefillHelp = h; cond.unlock() }
    var helpedPrefillCount: Int { cond.lock(); defer { cond.unlock() }; return helpedPrefills }

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
        admitPending()
        cond.broadcast()  // two threads wait on `cond`: wake both, each rechecks its own condition
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
                for j in pending + toPrefill { j.cancel() }
                break
            }
        }
        cond.unlock()
    }

    // MARK: - The decode loop

    private func loop() {
        while true {
            cond.lock()
            while paused && !stopping { cond.wait() }
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
            if admitPending() { cond.broadcast() }
            let joined = prefilled
            prefilled = []
            // Help: more prompts wait behind the busy prefill thread than sequences are decoding (a burst of
            // arrivals, the batch still filling), so the decode thread is better spent prefilling: it takes one per
            // step, so the running sequences wait at most one prompt's prefill. With a full batch and a short
            // queue it keeps decoding: helping there starves the prefill thread and slows every running sequence.
            let help: Bool
            switch prefillHelp {
            case .auto: help = prefillBusy && running.count + joined.count < toPrefill.count
            case .always: help = true
            case .never: help = false
            }
            let helped = help && !toPrefill.isEmpty ? toPrefill.removeFirst() : nil
            if helped != nil { helpedPrefills += 1 }
            if running.isEmpty && joined.isEmpty && helped == nil {
                if stopping && pending.isEmpty && toPrefill.isEmpty && !prefillBusy {
                    stopped = true
                    cond.broadcast()
                    cond.unlock()
                    return
                }
                cond.wait()
                cond.unlock()
                continue
            }
            let queued = pending.count
            let observer = onStep
            cond.unlock()
            join(joined)
            if let helped {
                Self.prefill(helped, with: helper, codec: codec)
                join([helped])
            }
            if !running.isEmpty { step(queued: queued, observer: observer) }
        }
    }

    /// Admits waiting requests, first come, first served, while slots allow (not while paused); the prefill
    /// thread (or a helping decode loop) takes them from `toPrefill`. Called with `cond` held, wherever requests
    /// arrive or slots free up: admitting only between decode steps would leave the prefill thread idle while the
    /// decode thread prefills a prompt itself.
    @discardableResult
    private func admitPending() -> Bool {
        guard !paused || stopping else { return false }
        var admitted = false
        while let j = pending.first, j.parameters.n <= freeSlots.count {
            pending.removeFirst()
            j.slots = (0..<j.parameters.n).map { _ in freeSlots.removeLast() }
            toPrefill.append(j)
            admitted = true
        }
        return admitted
    }

    /// Prefilled requests enter the batch (their first tokens were sampled by the prefill thread).
    private func join(_ joined: [Job]) {
        for j in joined {
            if let error = j.prefillError {
                j.continuation.finish(throwing: error)
                release(j)
            } else if j.isCancelled {
                j.continuation.finish(throwing: CancellationError())
                release(j)
            } else if j.liveCount == 0 {
                release(j)
                j.continuation.finish()
            } else {
                running.append(j)
            }
        }
    }

    private func step(queued: Int, observer: (@Sendable (StepReport) -> Void)?) {
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
        do {
            try decoder.step(segments)
        } catch {
            for j in running { j.continuation.finish(throwing: error); release(j) }
            running.removeAll()
            return
        }
        observer?(StepReport(sequences: segments.count, tokens: segments.count, queued: queued))
        for (r, (j, k)) in rows.enumerated() { Self.advance(j, k, logits: decoder.logits(r), codec: codec) }
        running.removeAll { j in
            guard j.liveCount == 0 else { return false }
            release(j)
            j.continuation.finish()
            return true
        }
    }

    /// Samples completion k's next token from `logits` and emits its events (on the thread that owns the job).
    private static func advance(_ j: Job, _ k: Int, logits: UnsafeBufferPointer<Float>, codec: (any TokenCodec)?) {
        let (t, delta) = j.choices[k].advance(logits, codec: codec)
        j.next[k] = t
        if !delta.isEmpty { j.continuation.yield(.delta(choice: j.indexBase + k, bytes: delta)) }
        if t == nil {
            var c = j.choices[k].completion
            c.index = j.indexBase + k
            j.continuation.yield(.finished(c))
        }
    }

    /// Prefills `j`'s prompt with `decoder` (one single-prompt step, whose logits do not
    /// depend on anything else), copies the cache to the request's other completions and samples their first
    /// tokens; an error is kept in `j.prefillError` for `join`. The caller owns `j` until it hands it over.
    private static func prefill(_ j: Job, with decoder: BatchedDecoder, codec: (any TokenCodec)?) {
        guard !j.isCancelled else { return }
        do {
            decoder.reset(slot: j.slots[0])
            try decoder.step([.init(slot: j.slots[0], tokens: j.prompt)])
            for k in 1..<max(1, j.parameters.n) { decoder.copy(slot: j.slots[0], to: j.slots[k]) }
            // The first tokens right away (time to first token does not wait for a decode step); the request's
            // events stay in order because the decode loop takes it over under the lock (or prefilled it itself).
            j.continuation.yield(.firstToken)
            let logits = decoder.logits(0)
            for k in 0..<j.parameters.n { advance(j, k, logits: logits, codec: codec) }
        } catch {
            j.prefillError = error
        }
    }

    private func release(_ j: Job) {
        let slots = j.slots
        j.slots = []
        cond.lock()
        freeSlots.append(contentsOf: slots)
        admitPending()
        cond.broadcast()
        cond.unlock()
    }

    // MARK: - The prefill thread

    /// Feeds admitted prompts one at a time and hands each request to the decode loop. Ends when the decode loop
    /// has stopped.
    private func prefillLoop() {
        while true {
            cond.lock()
            while toPrefill.isEmpty && !stopped { cond.wait() }
            if toPrefill.isEmpty {
                cond.unlock()
                return
            }
            let j = toPrefill.removeFirst()
            prefillBusy = true
            // Another prompt still waits: wake the decode loop, which takes it over while this one runs.
            if !toPrefill.isEmpty { cond.broadcast() }
            cond.unlock()
            Self.prefill(j, with: prefiller, codec: codec)
            cond.lock()
            prefillBusy = false
            prefilled.append(j)
            cond.broadcast()
            cond.unlock()
        }
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
    /// Set by the prefill thread before it hands the request over (under the loop's lock).
    var prefillError: (any Error)?
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
