import AIGCCore
import AIGCFormats
import Foundation

/// `aigc audit DIR` on a directory built by `aigc corpus build`: reads `manifest.json` and then the tensors
/// themselves (one shard at a time, so memory is one shard), and reports what they really hold — rows, positions,
/// padding, trained tokens, segments — per split, with label sanity checks. Tensor layouts (safetensors/npy): rows
/// of `seq_len` with `input_ids`, `labels` (HF convention, −100 = not trained), `position_ids`, `segment_ids`
/// (0 = padding). Megatron: `.idx` lengths and `.loss.bin` masks; nanoGPT: the token stream (all trained).
public struct BuiltCorpusAuditor {
    public let directory: URL

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory)
    }

    public func run() throws -> AuditReport {
        let manifestURL = CorpusLayout.manifestURL(in: directory)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw AIGCError.input(location: directory.path, message: "no manifest.json: not a directory built by `aigc corpus build` (or the build did not finish)")
        }
        let manifest = try DatasetManifest.read(from: manifestURL)
        try manifest.validate(path: manifestURL.path)
        let format = manifest.options["output_format"] ?? "safetensors"
        let seqLen = Int(manifest.options["seq_len"] ?? "") ?? 0
        let vocab = manifest.tokenizer.vocabularySize
        var sanity = LabelSanity()
        var splits: [SplitTensorStats] = []
        for split in ["train", "val"] {
            let files = manifest.files.map(\.path).filter { Self.belongs($0, split: split) }.sorted()
            if files.isEmpty { continue }
            var st = SplitTensorStats(split: split, files: 0, rows: 0, positions: 0, tokens: 0, paddingTokens: 0, trainedTokens: 0,
                                      segments: 0, manifestTokens: manifest.splits[split].map { UInt64($0.tokens) })
            switch format {
            case "safetensors":
                for f in files where f.hasSuffix(".safetensors") {
                    let file = try SafeTensorsFile(contentsOf: url(f))
                    let rows = try Self.rows(file, seqLen: seqLen, path: f)
                    try check(rows, seqLen: seqLen, vocab: vocab, into: &st, &sanity)
                    st.files += 1
                }
            case "npy":
                for f in files where f.hasSuffix(".input_ids.npy") {
                    let base = String(f.dropLast(".input_ids.npy".count))
                    var t: [String: [Int32]] = [:]
                    var shape: [Int] = []
                    for name in CorpusLayout.tensorNames {
                        let a = try Npy.read(contentsOf: url("\(base).\(name).npy"))
                        if name == CorpusLayout.inputIDs { shape = a.shape } else if a.shape != shape {
                            throw AIGCError.input(location: "\(base).\(name).npy", message: "shape \(a.shape) differs from input_ids \(shape)")
                        }
                        t[name] = try a.int32s()
                    }
                    try check(Rows(inputIDs: t[CorpusLayout.inputIDs]!, labels: t[CorpusLayout.labels]!, positionIDs: t[CorpusLayout.positionIDs]!, segmentIDs: t[CorpusLayout.segmentIDs]!),
                              seqLen: seqLen, vocab: vocab, into: &st, &sanity)
                    st.files += 4
                }
            case "megatron":
                try megatron(split, vocab: vocab, into: &st, &sanity)
                st.files = files.count
            case "nanogpt":
                try nanogpt(split, vocab: vocab, into: &st, &sanity)
                st.files = files.count
            default:
                throw AIGCError.unsupported("\(manifestURL.path): unknown output_format '\(format)'")
            }
            splits.append(st)
        }
        let positions = splits.reduce(0) { $0 + $1.positions }
        let tokens = splits.reduce(0) { $0 + $1.tokens }
        let trained = splits.reduce(0) { $0 + $1.trainedTokens }
        let padding = splits.reduce(0) { $0 + $1.paddingTokens }
        let corpus = BuiltCorpusReport(
            directory: directory.path, outputFormat: format, seqLen: seqLen, packing: manifest.options["packing"] ?? "",
            recordsIn: UInt64(manifest.recordsIn), recordsKept: UInt64(manifest.recordsKept),
            dropped: manifest.dropped.mapValues { UInt64($0) }, splits: splits,
            trainedTokenFraction: tokens == 0 ? 0 : Double(trained) / Double(tokens),
            paddingWaste: positions == 0 ? 0 : Double(padding) / Double(positions),
            packingEfficiency: positions == 0 ? 0 : Double(positions - padding) / Double(positions),
            labelSanity: sanity)
        var report = AuditReport(distributions: DistributionsReport(
            charsPerDocument: Distribution().summary(), turnsPerDocument: Distribution().summary(),
            tokensPerDocument: nil, tokensPerTurn: nil))
        report.options.inputFormat = "corpus"
        report.options.tokenizer = manifest.tokenizer.name
        report.inputs = manifest.files.map { AuditInput(path: $0.path, bytes: UInt64($0.bytes), sha256: $0.sha256) }
        report.corpus = corpus
        var findings: [Finding] = []
        if !sanity.ok {
            findings.append(Finding(kind: "label_sanity", severity: "error",
                                    count: sanity.labelsNotMatchingInput + sanity.labelsOnPadding + sanity.positionIdErrors + sanity.idsOutOfVocabulary,
                                    unit: "positions", message: "Tensors violate the label/position conventions (see corpus.label_sanity).", examples: []))
        }
        for s in splits where s.manifestTokens != nil && s.manifestTokens != s.tokens {
            findings.append(Finding(kind: "manifest_mismatch", severity: "error", count: 1, unit: "splits",
                                    message: "Split \(s.split): the manifest says \(s.manifestTokens!) tokens, the tensors hold \(s.tokens).", examples: []))
        }
        report.findings = findings
        return report
    }

    /// `train-00000.safetensors`, `train.bin`, `train.idx`, `train.loss.bin`, `train-00000.labels.npy`, …
    static func belongs(_ path: String, split: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name.hasPrefix(split + "-") || name.hasPrefix(split + ".")
    }

    func url(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
    }

    struct Rows {
        var inputIDs: [Int32], labels: [Int32], positionIDs: [Int32], segmentIDs: [Int32]
    }

    static func rows(_ f: SafeTensorsFile, seqLen: Int, path: String) throws -> Rows {
        for name in CorpusLayout.tensorNames where !f.contains(name) {
            throw AIGCError.input(location: path, message: "missing tensor '\(name)'")
        }
        let shape = try f.shape(CorpusLayout.inputIDs)
        for name in CorpusLayout.tensorNames.dropFirst() where try f.shape(name) != shape {
            throw AIGCError.input(location: path, message: "tensor '\(name)' has shape \(try f.shape(name)), input_ids has \(shape)")
        }
        return Rows(inputIDs: try f.int32s(CorpusLayout.inputIDs), labels: try f.int32s(CorpusLayout.labels),
                    positionIDs: try f.int32s(CorpusLayout.positionIDs), segmentIDs: try f.int32s(CorpusLayout.segmentIDs))
    }

    /// Counts and checks rows of `seqLen` positions.
    func check(_ r: Rows, seqLen: Int, vocab: Int, into st: inout SplitTensorStats, _ s: inout LabelSanity) throws {
        guard seqLen > 0, r.inputIDs.count % seqLen == 0 else {
            throw AIGCError.input(location: directory.path, message: "\(r.inputIDs.count) positions are not whole rows of seq_len \(seqLen)")
        }
        let rows = r.inputIDs.count / seqLen
        st.rows += UInt64(rows)
        st.positions += UInt64(r.inputIDs.count)
        s.rowsChecked += UInt64(rows)
        for row in 0..<rows {
            let base = row * seqLen
            for k in base..<(base + seqLen) {
                let id = r.inputIDs[k], label = r.labels[k], seg = r.segmentIDs[k], pos = r.positionIDs[k]
                if id < 0 || Int(id) >= vocab { s.idsOutOfVocabulary += 1 }
                let newSegment = k == base || seg != r.segmentIDs[k - 1]
                if seg == 0 {
                    st.paddingTokens += 1
                    if label != -100 { s.labelsOnPadding += 1 }
                    if pos != 0 { s.positionIdErrors += 1 }
                    continue
                }
                st.tokens += 1
                if newSegment { st.segments += 1 }
                if label != -100 {
                    st.trainedTokens += 1
                    if label != id { s.labelsNotMatchingInput += 1 }
                }
                if newSegment ? pos != 0 : pos != r.positionIDs[k - 1] + 1 { s.positionIdErrors += 1 }
            }
        }
    }

    func megatron(_ split: String, vocab: Int, into st: inout SplitTensorStats, _ s: inout LabelSanity) throws {
        let idxPath = url("\(split).idx").path
        let binURL = url("\(split).bin")
        let idx = try MegatronIndex.load(idx: URL(fileURLWithPath: idxPath), bin: binURL)
        guard idx.dtype == .uint16 || idx.dtype == .int32 else {
            throw AIGCError.input(location: idxPath, message: "megatron index: token dtype \(idx.dtype) (expected uint16 or int32)")
        }
        let total = idx.lengths.reduce(0) { $0 + UInt64($1) }  // every size ≥ 0 (validated)
        st.rows = UInt64(idx.lengths.count)
        st.segments = UInt64(idx.lengths.count)
        st.positions = total
        st.tokens = total
        s.rowsChecked += UInt64(idx.lengths.count)
        let bin = try Data(contentsOf: binURL, options: .alwaysMapped)
        guard UInt64(bin.count) == total * UInt64(idx.dtype.size) else {
            throw AIGCError.input(location: binURL.path, message: "\(bin.count) bytes, the index describes \(total) tokens of \(idx.dtype.size) bytes")
        }
        bin.withUnsafeBytes { raw in
            for k in 0..<Int(total) {
                let id: Int = idx.dtype.size == 2 ? Int(raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self).littleEndian)
                    : Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)))
                if id < 0 || id >= vocab { s.idsOutOfVocabulary += 1 }
            }
        }
        let lossURL = url("\(split).loss.bin")
        let loss = try Data(contentsOf: lossURL, options: .alwaysMapped)
        guard UInt64(loss.count) == total else {
            throw AIGCError.input(location: lossURL.path, message: "\(loss.count) mask bytes for \(total) tokens")
        }
        for b in loss where b != 0 { st.trainedTokens += 1; if b != 1 { s.labelsNotMatchingInput += 1 } }
    }

    func nanogpt(_ split: String, vocab: Int, into st: inout SplitTensorStats, _ s: inout LabelSanity) throws {
        let binURL = url("\(split).bin")
        let bin = try Data(contentsOf: binURL, options: .alwaysMapped)
        let width = NanoGPTBinWriter.needsWide(vocabularySize: vocab) ? 4 : 2
        guard bin.count % width == 0 else { throw AIGCError.input(location: binURL.path, message: "size \(bin.count) is not a multiple of \(width)") }
        let n = bin.count / width
        st.positions = UInt64(n); st.tokens = UInt64(n); st.trainedTokens = UInt64(n); st.rows = 1
        bin.withUnsafeBytes { raw in
            for k in 0..<n {
                let id = width == 2 ? Int(raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self).littleEndian)
                    : Int(raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self).littleEndian)
                if id >= vocab { s.idsOutOfVocabulary += 1 }
            }
        }
    }
}
