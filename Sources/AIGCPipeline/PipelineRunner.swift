import AIGC
import Foundation

/// Runs a `PipelineConfig` stage by stage in a work directory, like a build system: each stage has a key (the
/// SHA-256 of its options, its input files' bytes and the stamps of the stages it reads), and is skipped when
/// its stamp has that key and its outputs are intact — unless a stage it reads ran in this run. A stage that
/// was interrupted resumes when it is started again with the same key (pretrain and finetune continue from
/// their last checkpoint; the others start over). The last stage registers the model in the `ModelStore`.
///
/// Work directory: `tokenizer/`, `corpus/`, `audit/`, `pretrain/`, `finetune/`, `adversarial/`, `model/` (the
/// final model directory as registered) and `stamps/` (one `STAGE.json` per finished stage, `STAGE.pending`
/// while one runs).
public final class PipelineRunner {
    public let config: PipelineConfig
    public let work: URL
    public let store: ModelStore
    /// Report what would run without running anything.
    public var dryRun = false
    /// Progress lines and stage logs (stderr in the CLI).
    public var log: (String) -> Void = { logStderr($0) }
    /// Shows progress bars (nil: only when stderr is a terminal).
    public var progress: Bool?
    /// Called after every pretraining checkpoint with its iteration; throwing stops the run there, as a kill
    /// would (the resume test's hook).
    public var afterPretrainCheckpoint: ((Int) throws -> Void)?

    var stamps: [PipelineStage: StageStamp] = [:]

    public init(config: PipelineConfig, workDirectory: URL? = nil, store: ModelStore = ModelStore()) {
        self.config = config
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        self.work = (workDirectory ?? config.workDir.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: home).appendingPathComponent(".cache/aigc/pipeline/\(config.name)")).standardizedFileURL
        self.store = store
    }

    /// The stages this config has, in order.
    public var stages: [PipelineStage] {
        PipelineStage.allCases.filter {
            switch $0 {
            case .audit: return config.audit != nil
            case .finetune: return config.finetune != nil
            case .adversarial: return config.adversarial != nil
            default: return true
            }
        }
    }

    /// The stages `stage` reads from (a stage that ran makes these rerun).
    func dependencies(_ stage: PipelineStage) -> [PipelineStage] {
        switch stage {
        case .tokenizer: return []
        case .corpus, .audit: return [.tokenizer]
        case .pretrain: return [.corpus]
        case .finetune: return [.pretrain, .corpus]
        case .adversarial: return [.finetune, .corpus]
        case .register: return stages.filter { $0 != .register }
        }
    }

    func dir(_ stage: PipelineStage) -> URL {
        work.appendingPathComponent(stage == .register ? "model" : stage.rawValue, isDirectory: true)
    }

    /// Runs (or with `dryRun`, plans) every stage; returns one row per stage.
    @discardableResult
    public func run() throws -> [StageResult] {
        var results: [StageResult] = []
        var ran: Set<PipelineStage> = []
        // Two runs in one work directory would interleave their stages: the second is refused at once.
        var lock: DirectoryLock?
        if !dryRun {
            lock = try DirectoryLock(directory: work, what: "aigc pipeline run")
            do { try FileManager.default.createDirectory(at: work.appendingPathComponent("stamps"), withIntermediateDirectories: true) } catch {
                throw AIGCError.io("\(work.path): cannot create (\(error.localizedDescription))")
            }
        }
        defer { withExtendedLifetime(lock) {} }
        for stage in stages {
            let upstreamRan = dependencies(stage).contains { ran.contains($0) }
            if dryRun && upstreamRan {
                results.append(StageResult(stage: stage, status: .wouldRun, seconds: 0, metric: "(after \(dependencies(stage).filter { ran.contains($0) }.map(\.rawValue).joined(separator: ", ")))"))
                ran.insert(stage)
                continue
            }
            let key = try self.key(stage)
            if !upstreamRan, let stamp = StageStamp.load(stage, work: work), stamp.key == key, stamp.outputsIntact(work: work) {
                stamps[stage] = stamp
                results.append(StageResult(stage: stage, status: .skipped, seconds: stamp.seconds, metric: stamp.metric))
                log("pipeline: \(stage.rawValue): current, skipped")
                continue
            }
            ran.insert(stage)
            if dryRun {
                let why = StageStamp.load(stage, work: work) == nil ? "never ran" : "inputs, options or outputs changed"
                results.append(StageResult(stage: stage, status: .wouldRun, seconds: 0, metric: "(\(why))"))
                continue
            }
            let pendingURL = StageStamp.pendingURL(stage, work: work)
            let resumable = (try? String(contentsOf: pendingURL, encoding: .utf8)) == key
            try? FileManager.default.removeItem(at: StageStamp.url(stage, work: work))
            try AtomicFile.write(Data(key.utf8), to: pendingURL)
            log("pipeline: \(stage.rawValue): running")
            let t0 = Date()
            let outcome = try execute(stage, resumable: resumable)
            let seconds = Date().timeIntervalSince(t0)
            var outputs: [String: String] = [:]
            for d in outcome.outputDirectories {
                for (path, hash) in try FileHashing.tree(d) { outputs[StageStamp.record(path, work: work)] = hash }
            }
            let stamp = StageStamp(stage: stage.rawValue, key: key, outputs: outputs, seconds: seconds, metric: outcome.metric,
                                   finished: ISO8601DateFormatter().string(from: Date()))
            try stamp.save(work: work)
            try? FileManager.default.removeItem(at: pendingURL)
            stamps[stage] = stamp
            results.append(StageResult(stage: stage, status: outcome.resumed ? .resumed : .ran, seconds: seconds, metric: outcome.metric))
            log("pipeline: \(stage.rawValue): done in \(String(format: "%.1f", seconds)) s; \(outcome.metric)")
        }
        return results
    }

    /// The summary table (stage, status, time, key metric).
    public static func summary(_ results: [StageResult]) -> String {
        var rows = [["STAGE", "STATUS", "TIME", "METRIC"]]
        for r in results {
            rows.append([r.stage.rawValue, r.status.rawValue, r.status == .wouldRun ? "-" : String(format: "%.1fs", r.seconds), r.metric])
        }
        rows.append(["total", "", String(format: "%.1fs", results.filter { $0.status == .ran || $0.status == .resumed }.reduce(0) { $0 + $1.seconds }), ""])
        return TextTable.render(rows)
    }

    // MARK: keys

    /// The SHA-256 of everything `stage`'s result depends on: the toolkit version, its options (thread counts
    /// excluded: results never depend on them), its input files' bytes and the stamps of the stages it reads.
    func key(_ stage: PipelineStage) throws -> String {
        var parts = ["aigc \(AIGCVersion.string)", "stage \(stage.rawValue)"]
        let c = config.corpus
        func files(_ paths: [String]) throws -> [String] {
            try paths.map { p in
                guard FileManager.default.fileExists(atPath: p) else { throw AIGCError.io("\(p): no such file (in \(config.path))") }
                return "\(p) \(try FileHashing.sha256(file: URL(fileURLWithPath: p)))"
            }
        }
        switch stage {
        case .tokenizer:
            parts.append("\(config.tokenizer)")
            if case .train(_, _, _, _, let inputs) = config.tokenizer {
                parts += try files(inputs ?? c.inputs)
                if inputs == nil { parts.append("format \(c.format.rawValue) text_field \(c.textField)") }
            }
        case .corpus:
            var copy = c
            copy.inputs = []
            copy.decontaminate = []
            parts.append("\(copy)")
            parts += try files(c.inputs) + files(c.decontaminate)
        case .audit:
            parts.append("format \(c.format.rawValue) text_field \(c.textField) seq_len \(c.seqLen)")
            parts += try files(c.inputs) + files(config.audit?.against ?? [])
        case .pretrain:
            var p = config.pretrain
            p.options.threads = 0
            parts.append("\(p)")
        case .finetune:
            var f = config.finetune
            f?.options.threads = 0
            parts.append("\(String(describing: f))")
        case .adversarial:
            var a = config.adversarial
            a?.threads = 0
            parts.append("\(String(describing: a))")
        case .register:
            parts.append("name \(config.name) store \(store.root.path) config \(config.sha256)")
        }
        for d in dependencies(stage) {
            guard let s = stamps[d] else { throw AIGCError.usage("pipeline: stage \(d.rawValue) has no result before \(stage.rawValue)") }
            parts.append("\(d.rawValue) \(s.key) " + s.outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
        }
        return SHA256.hash(Data(parts.joined(separator: "\n").utf8))
    }
}
