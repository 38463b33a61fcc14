import AIGCCore
import AIGCText
import Foundation

/// A distributed corpus build as data: the build's options, its inputs, and each task's byte ranges
/// (`InputSplitter`). `aigc corpus plan` prints it as JSON; any engine that can run N commands runs
/// `aigc corpus build --plan PLAN --task I` for every task (each writes `OUTPUT/task-NNNNN/`) and then
/// `aigc corpus merge`, which reproduces the single run byte for byte. A plan file is read like any untrusted input:
/// every key is checked, and an error names the key.
public struct CorpusPlan: Sendable {
    public static let formatVersion = 1
    /// Directory under which task `i` writes `task-NNNNN/`.
    public var output: String
    /// The tokenizer argument (`cl100k_base`, a tokenizer file, `bytes`).
    public var tokenizer: String
    /// The build options (their `inputs` are the plan's input paths; output, threads and shard fields unused).
    public var options: CorpusBuildOptions
    public var inputs: [InputSplitter.Input]
    /// Each task's ranges, in task order.
    public var tasks: [[InputRange]]

    public init(output: String, tokenizer: String, options: CorpusBuildOptions, inputs: [InputSplitter.Input], tasks: [[InputRange]]) {
        self.output = output
        self.tokenizer = tokenizer
        self.options = options
        self.inputs = inputs
        self.tasks = tasks
    }

    /// Plans `tasks` tasks over `options.inputs`. `bytesRead`: bytes the planner read (sniffing and finding newlines).
    public static func make(options: CorpusBuildOptions, tokenizer: String, output: String, tasks: Int) throws -> (plan: CorpusPlan, bytesRead: Int) {
        try Limits.check("tasks", tasks, in: 1...(1 << 20))
        guard !options.inputs.isEmpty else { throw AIGCError.usage("no input files") }
        var read = 0
        let inputs = try InputSplitter.inspect(paths: options.inputs, format: options.inputFormat, bytesRead: &read)
        let ranges = try InputSplitter.split(inputs, tasks: tasks, bytesRead: &read)
        return (CorpusPlan(output: output, tokenizer: tokenizer, options: options, inputs: inputs, tasks: ranges), read)
    }

    /// `OUTPUT/task-NNNNN`.
    public func taskDirectory(_ task: Int) -> String {
        (output as NSString).appendingPathComponent(String(format: "task-%05d", task))
    }

    /// The build options of task `task`. Checks that the files it reads still have the planned sizes.
    public func taskOptions(_ task: Int, threads: Int) throws -> CorpusBuildOptions {
        guard task >= 0 && task < tasks.count else {
            throw AIGCError.usage("task must be in 0..<\(tasks.count), the plan's number of tasks (got \(task))")
        }
        var o = options
        o.inputs = inputs.map(\.path)
        o.outputDir = taskDirectory(task)
        o.threads = threads
        o.numShards = tasks.count
        o.shardIndex = task
        o.inputRanges = tasks[task]
        for r in tasks[task] {
            let f = inputs[r.input]
            let size = (try? FileManager.default.attributesOfItem(atPath: f.path)[.size] as? Int) ?? nil
            guard let size else { throw AIGCError.io("\(f.path): no such readable file (input \(r.input) of the plan)") }
            guard size == f.bytes else {
                throw AIGCError.input(location: f.path, message: "has \(size) bytes but the plan says \(f.bytes) (inputs[\(r.input)].bytes): the file changed since the plan was made")
            }
        }
        return o
    }

    // MARK: JSON

    /// The plan as JSON (stable key order, one input and one task per line), ending with a newline.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        func raw(_ s: String) { out.append(contentsOf: Array(s.utf8)) }
        func str(_ s: String) { Array(s.utf8).withUnsafeBufferPointer { JSONText.appendString($0, escapingDelete: true, to: &out) } }
        raw("{\n  \"aigc_corpus_plan\": \(Self.formatVersion),\n  \"output\": "); str(output)
        raw(",\n  \"tokenizer\": "); str(tokenizer)
        raw(",\n  \"options\": {")
        for (i, (k, v)) in Self.optionValues(options).enumerated() {
            raw(i == 0 ? "\n    " : ",\n    "); str(k); raw(": ")
            switch v {
            case .string(let s): str(s)
            case .strings(let a):
                raw("[")
                for (j, s) in a.enumerated() { if j > 0 { raw(", ") }; str(s) }
                raw("]")
            case .literal(let l): raw(l)
            }
        }
        raw("\n  },\n  \"inputs\": [")
        for (i, f) in inputs.enumerated() {
            raw(i == 0 ? "\n    {\"path\": " : ",\n    {\"path\": "); str(f.path)
            raw(", \"bytes\": \(f.bytes), \"whole\": \(f.whole)}")
        }
        raw("\n  ],\n  \"tasks\": [")
        for (i, t) in tasks.enumerated() {
            raw(i == 0 ? "\n    " : ",\n    ")
            raw("{\"task\": \(i), \"ranges\": [" + t.map { "{\"input\": \($0.input), \"start\": \($0.start), \"end\": \($0.end)}" }.joined(separator: ", ") + "]}")
        }
        raw("\n  ]\n}\n")
        return out
    }

    enum OptionValue { case string(String), strings([String]), literal(String) }

    /// The options a plan carries, by key (sorted). Names follow the manifest's `options`.
    static func optionValues(_ o: CorpusBuildOptions) -> [(String, OptionValue)] {
        let v: [String: OptionValue] = [
            "input_format": .string(o.inputFormat.rawValue), "text_field": .string(o.textField),
            "normalize": .string(o.normalizerSource), "invalid_utf8": .string(o.invalidUTF8.rawValue),
            "template": .string(o.template.rawValue), "packing": .string(o.effectivePacking.rawValue),
            "seq_len": .literal(String(o.seqLen)), "overlong": .string(o.overlong.rawValue),
            "min_tokens": .literal(String(o.minTokens)), "max_tokens": .literal(o.maxTokens.map(String.init) ?? "null"),
            "train_on_prompt": .literal(String(o.trainOnPrompt)), "role_order": .literal(String(o.checkRoleOrder)),
            "exact_dedup": .literal(String(o.exactDedup)), "near_dedup": .literal(String(o.nearDedup)),
            "minhash_bands": .literal(String(o.minhashBands)), "minhash_rows": .literal(String(o.minhashRows)),
            "minhash_ngram": .literal(String(o.minhashNgram)), "pii": .literal(String(o.scrubPII)),
            "decontaminate": .strings(o.decontaminate), "decontamination_ngram": .literal(String(o.decontaminationNgram)),
            "val_fraction": .literal(String(o.valFraction)), "output_format": .string(o.outputFormat.rawValue),
            "rows_per_shard": .literal(String(o.rowsPerShard)), "keep_rejects": .literal(String(o.keepRejects)),
            "strict": .literal(String(o.strict)), "max_record_bytes": .literal(String(o.maxRecordBytes)),
            "key_partitions": .literal(String(o.keyPartitions)),
        ]
        return v.sorted { $0.key < $1.key }
    }

    /// Reads and checks a plan file.
    public static func read(path: String) throws -> CorpusPlan {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw AIGCError.io("\(path): cannot read the plan (\(error.localizedDescription))")
        }
        guard data.count <= 1 << 30 else { throw AIGCError.input(location: path, message: "a plan larger than 1 GiB is not a plan") }
        return try parse(Array(data), source: path)
    }

    /// Parses and checks plan JSON. Errors name `source` and the key (`tasks[3].ranges[0].end`).
    public static func parse(_ bytes: [UInt8], source: String) throws -> CorpusPlan {
        let (value, _, failure) = JSONParser.parse(bytes)
        guard let value else {
            throw AIGCError.input(location: source, message: "not JSON (\(failure?.message ?? "parse error") at byte \(failure?.offset ?? 0))")
        }
        let root = PlanNode(value: value, key: "", source: source)
        let top = try root.object(allowed: ["aigc_corpus_plan", "output", "tokenizer", "options", "inputs", "tasks"])
        let version = try root.required(top, "aigc_corpus_plan").int(1...Int.max)
        guard version == formatVersion else {
            throw root.error("aigc_corpus_plan", "plan format \(version) is not supported (this aigc reads format \(formatVersion))")
        }
        let output = try root.required(top, "output").string(nonEmpty: true)
        let tokenizer = try root.required(top, "tokenizer").string(nonEmpty: true)
        let inputNodes = try root.required(top, "inputs").array()
        guard !inputNodes.isEmpty else { throw root.error("inputs", "no input files") }
        var inputs: [InputSplitter.Input] = []
        for n in inputNodes {
            let m = try n.object(allowed: ["path", "bytes", "whole"])
            inputs.append(.init(path: try n.required(m, "path").string(nonEmpty: true),
                                bytes: try n.required(m, "bytes").int(0...Int(1 << 53)),
                                whole: try n.required(m, "whole").bool()))
        }
        let options = try parseOptions(try root.required(top, "options"), inputs: inputs.map(\.path), output: output)
        if options.inputFormat == .text, let i = inputs.firstIndex(where: { !$0.whole }) {
            throw root.error("inputs[\(i)].whole", "must be true: a text document is read whole")
        }
        let taskNodes = try root.required(top, "tasks").array()
        guard !taskNodes.isEmpty, taskNodes.count <= 1 << 20 else { throw root.error("tasks", "must hold 1 to \(1 << 20) tasks (got \(taskNodes.count))") }
        var tasks: [[InputRange]] = []
        // The ranges of all tasks, in order, must cover every input exactly once, in input order.
        var nextInput = 0, nextStart = 0
        func advance() {
            // A non-empty input is complete at its last byte; an empty one needs its own (empty) range.
            while nextInput < inputs.count && inputs[nextInput].bytes > 0 && nextStart == inputs[nextInput].bytes {
                nextInput += 1
                nextStart = 0
            }
        }
        for (i, n) in taskNodes.enumerated() {
            let m = try n.object(allowed: ["task", "ranges"])
            let index = try n.required(m, "task")
            guard try index.int(0...Int.max) == i else { throw index.error("", "must be \(i) (tasks are listed in order)") }
            var ranges: [InputRange] = []
            for rn in try n.required(m, "ranges").array() {
                let r = try rn.object(allowed: ["input", "start", "end"])
                let input = try rn.required(r, "input").int(0...(inputs.count - 1))
                let start = try rn.required(r, "start").int(0...inputs[input].bytes)
                let end = try rn.required(r, "end").int(start...inputs[input].bytes)
                if ranges.contains(where: { $0.input == input }) {
                    throw rn.error("input", "input \(input) appears twice in one task")
                }
                advance()
                guard input == nextInput, start == nextStart, end > start || inputs[input].bytes == 0 else {
                    let expected = nextInput < inputs.count ? "input \(nextInput) from byte \(nextStart)" : "no more ranges"
                    throw rn.error("", "ranges must cover the inputs in order without gaps or overlaps: expected \(expected), got \(input):\(start)-\(end)")
                }
                if inputs[input].whole && (start != 0 || end != inputs[input].bytes) {
                    throw rn.error("", "input \(input) is read whole (gzip, JSON array or text document): its range must be 0-\(inputs[input].bytes)")
                }
                nextStart = end
                if inputs[input].bytes == 0 { nextInput += 1 }
                ranges.append(InputRange(input: input, start: start, end: end))
            }
            tasks.append(ranges)
        }
        advance()
        guard nextInput == inputs.count else {
            throw root.error("tasks", "the ranges stop at input \(nextInput) byte \(nextStart): every input must be covered")
        }
        return CorpusPlan(output: output, tokenizer: tokenizer, options: options, inputs: inputs, tasks: tasks)
    }

    static func parseOptions(_ node: PlanNode, inputs: [String], output: String) throws -> CorpusBuildOptions {
        let keys = optionValues(CorpusBuildOptions(inputs: [], inputFormat: .openai, outputDir: "")).map(\.0)
        let m = try node.object(allowed: Set(keys))
        func get(_ k: String) throws -> PlanNode { try node.required(m, k) }
        func choice<T: RawRepresentable & CaseIterable>(_ k: String, _ t: T.Type) throws -> T where T.RawValue == String {
            let s = try get(k).string(nonEmpty: true)
            guard let v = T(rawValue: s) else {
                throw node.error(k, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")) (got \(s.debugDescription))")
            }
            return v
        }
        var o = CorpusBuildOptions(inputs: inputs, inputFormat: try choice("input_format", InputFormat.self), outputDir: output)
        o.textField = try get("text_field").string(nonEmpty: true)
        let normalize = try get("normalize").string(nonEmpty: true)
        if normalize != "default" {
            do { o.normalizer = try TextNormalizer(contentsOf: URL(fileURLWithPath: normalize)) } catch {
                throw node.error("normalize", "\(error)")
            }
            o.normalizerSource = normalize
        }
        let utf8 = try get("invalid_utf8").string(nonEmpty: true)
        guard let policy = InvalidUTF8Policy(name: utf8) else {
            throw node.error("invalid_utf8", "must be one of \(InvalidUTF8Policy.namesForMessages) (got \(utf8.debugDescription))")
        }
        o.invalidUTF8 = policy
        o.template = try choice("template", ChatTemplate.self)
        o.packing = try choice("packing", PackingMode.self)
        o.seqLen = try get("seq_len").int(8...(1 << 24))
        o.overlong = try choice("overlong", OverlongPolicy.self)
        o.minTokens = try get("min_tokens").int(0...Int(1 << 53))
        let maxTokens = try get("max_tokens")
        o.maxTokens = maxTokens.isNull ? nil : try maxTokens.int(1...Int(1 << 53))
        o.trainOnPrompt = try get("train_on_prompt").bool()
        o.checkRoleOrder = try get("role_order").bool()
        o.exactDedup = try get("exact_dedup").bool()
        o.nearDedup = try get("near_dedup").bool()
        o.minhashBands = try get("minhash_bands").int(1...1024)
        o.minhashRows = try get("minhash_rows").int(1...1024)
        guard o.minhashBands * o.minhashRows <= 4096 else {
            throw node.error("minhash_bands", "minhash_bands × minhash_rows must be ≤ 4096 (got \(o.minhashBands * o.minhashRows))")
        }
        o.minhashNgram = try get("minhash_ngram").int(1...64)
        o.scrubPII = try get("pii").bool()
        o.decontaminate = try get("decontaminate").array().map { try $0.string(nonEmpty: true) }
        o.decontaminationNgram = try get("decontamination_ngram").int(1...64)
        o.valFraction = try get("val_fraction").double(0...1)
        o.outputFormat = try choice("output_format", OutputFormat.self)
        o.rowsPerShard = try get("rows_per_shard").int(1...(1 << 30))
        o.keepRejects = try get("keep_rejects").bool()
        o.strict = try get("strict").bool()
        // Plans written before the record size limit existed have no key: the default applies.
        if m["max_record_bytes"] != nil { o.maxRecordBytes = try get("max_record_bytes").int(1024...(1 << 31)) }
        // Plans written before dedup keys were split per partition: the default fan-out.
        if m["key_partitions"] != nil { o.keyPartitions = try get("key_partitions").int(1...4096) }
        return o
    }
}

/// A value in a plan file with its key path, for errors that name the key.
struct PlanNode {
    let value: JSONValue
    let key: String
    let source: String

    func child(_ k: String) -> String { key.isEmpty ? k : k.hasPrefix("[") ? key + k : "\(key).\(k)" }

    func error(_ k: String, _ message: String) -> AIGCError {
        let path = k.isEmpty ? key : child(k)
        return AIGCError.input(location: source, message: path.isEmpty ? message : "\(path): \(message)")
    }

    var isNull: Bool { if case .null = value { return true }; return false }

    func object(allowed: Set<String>) throws -> [String: JSONValue] {
        guard case .object(let members) = value else { throw error("", "expected an object, got \(value.typeName)") }
        var out: [String: JSONValue] = [:]
        for m in members {
            guard allowed.contains(m.key) else { throw error(m.key, "unknown key") }
            guard out[m.key] == nil else { throw error(m.key, "duplicate key") }
            out[m.key] = m.value
        }
        return out
    }

    func required(_ members: [String: JSONValue], _ k: String) throws -> PlanNode {
        guard let v = members[k] else { throw error(k, "missing") }
        return PlanNode(value: v, key: child(k), source: source)
    }

    func array() throws -> [PlanNode] {
        guard case .array(let a) = value else { throw error("", "expected an array, got \(value.typeName)") }
        return a.enumerated().map { PlanNode(value: $1, key: child("[\($0)]"), source: source) }
    }

    func string(nonEmpty: Bool) throws -> String {
        guard case .string(let b) = value, let s = String(validating: b, as: UTF8.self) else {
            throw error("", "expected a UTF-8 string, got \(value.typeName)")
        }
        if nonEmpty && s.isEmpty { throw error("", "must not be empty") }
        if s.utf8.contains(0) { throw error("", "must not contain NUL") }
        return s
    }

    func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw error("", "expected true or false, got \(value.typeName)") }
        return b
    }

    func int(_ range: ClosedRange<Int>) throws -> Int {
        guard case .number(let d) = value, d.isFinite, d == d.rounded(), abs(d) <= 9_007_199_254_740_992 else {
            throw error("", "expected an integer, got \(value.typeName == "number" ? "a non-integer number" : value.typeName)")
        }
        let v = Int(d)
        guard range.contains(v) else {
            let bound = range.upperBound >= Int(1 << 53) ? "≥ \(range.lowerBound)" : "in \(range.lowerBound)...\(range.upperBound)"
            throw error("", "must be \(bound) (got \(v))")
        }
        return v
    }

    func double(_ range: ClosedRange<Double>) throws -> Double {
        guard case .number(let d) = value, d.isFinite, range.contains(d) else {
            throw error("", "expected a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }
}
