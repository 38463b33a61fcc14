import AIGC
import AIGCServe
import Foundation

/// The fuzz targets: each takes arbitrary bytes, hands them to one loader the way a user's file would reach it,
/// and uses what loaded; it returns whether the bytes loaded (the seeds must). A thrown error is the expected answer to bad bytes; a crash, a hang or a sanitizer
/// report is a finding (libFuzzer writes the input to `crash-…`; `Scripts/fuzz.sh` copies it to
/// `Fixtures/fuzz/TARGET/`, which `FuzzRegressionTests` replays). Kept in the main package so the test suite
/// replays the very code the fuzzer ran; the fuzzer binary itself is the separate `Fuzz/` package.
public enum FuzzTargets {
    public static let all: [String: @Sendable (Data) -> Bool] = [
        "tiktoken": tiktoken,
        "tokenizer-json": tokenizerJSON,
        "gpt2-files": gpt2Files,
        "safetensors": safetensors,
        "npy": npy,
        "megatron-idx": megatronIndex,
        "model-dir": modelDirectory,
        "dialogue-record": dialogueRecord,
        "normalizer-json": normalizerJSON,
        "normalize-forms": normalizeForms,
        "server-request": serverRequest,
    ]

    /// A scratch directory per process (inputs that need a path are written here).
    static let scratch: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    static let sample = "Hello, wörld! 123 naïve café — 東京 🙂\n\tend"

    static func file(_ name: String, _ data: Data) -> URL {
        let u = scratch.appendingPathComponent(name)
        try? data.write(to: u)
        return u
    }

    static func tiktoken(_ data: Data) -> Bool { tokenizerFile(file("v.tiktoken", data)) }

    static func tokenizerJSON(_ data: Data) -> Bool { tokenizerFile(file("tokenizer.json", data)) }

    /// GPT-2's two files: the input is `encoder.json`, a 0xFF byte (never in UTF-8 text), then `vocab.bpe`.
    static func gpt2Files(_ data: Data) -> Bool {
        let bytes = Array(data)
        let cut = bytes.firstIndex(of: 0xFF) ?? bytes.count
        let dir = scratch.appendingPathComponent("gpt2")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? Data(bytes[min(bytes.count, cut + 1)...]).write(to: dir.appendingPathComponent("vocab.bpe"))
        return tokenizerFile(file("gpt2/encoder.json", Data(bytes[..<cut])))
    }

    /// Loads a tokenizer file and uses what loaded: ordinary encoding, the pre-tokenizer
    /// check, decoding, and encoding with special tokens allowed.
    static func tokenizerFile(_ url: URL) -> Bool {
        guard let t = try? Tokenizer(contentsOf: url) else { return false }
        let ids = t.encodeOrdinary(sample)
        _ = try? t.checkPreTokenizer()
        _ = try? t.decodeBytes(ids)
        _ = try? t.encode(sample, allowedSpecial: .all, disallowedSpecial: .encodeAsText)
        return true
    }

    static func safetensors(_ data: Data) -> Bool {
        guard let f = try? SafeTensorsFile(data: data) else { return false }
        for n in f.names {
            _ = try? f.shape(n)
            _ = try? f.floats(n)
            _ = try? f.int32s(n)
        }
        return true
    }

    static func npy(_ data: Data) -> Bool {
        guard let a = try? Npy.parse(Array(data)) else { return false }
        _ = try? a.floats()
        _ = try? a.int32s()
        return true
    }

    /// The input is an index; it is validated against a .bin of no bytes, of the size its sizes describe, and of 4 KiB.
    static func megatronIndex(_ data: Data) -> Bool {
        guard let idx = try? MegatronIndex(bytes: Array(data)) else { return false }
        let total = idx.lengths.reduce(0) { $0 &+ Int(max(0, $1)) }
        for bin in [0, total &* idx.dtype.size, 4096] {
            _ = try? idx.validate(binBytes: bin, idxPath: "x.idx", binPath: "x.bin")
        }
        return true
    }

    /// The input is `config.json`, a 0xFF byte, then `model.safetensors`.
    static func modelDirectory(_ data: Data) -> Bool {
        let bytes = Array(data)
        let cut = bytes.firstIndex(of: 0xFF) ?? bytes.count
        let dir = scratch.appendingPathComponent("model")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? Data(bytes[..<cut]).write(to: dir.appendingPathComponent("config.json"))
        try? Data(bytes[min(bytes.count, cut + 1)...]).write(to: dir.appendingPathComponent("model.safetensors"))
        guard let m = try? GPTModel.load(directory: dir) else { return false }
        guard m.parameterCount < 1 << 22 else { return true }
        var p = SamplingParameters()
        p.maxTokens = 2
        p.seed = 1
        _ = try? Generator(model: m).generate(prompt: [0], parameters: p, codec: nil, onDelta: nil)
        return true
    }

    static func dialogueRecord(_ data: Data) -> Bool {
        let bytes = Array(data)
        var parsed = false
        for format in InputFormat.allCases where RecordParser(format: format).parse(bytes).record != nil { parsed = true }
        return parsed
    }

    /// A tiny random chat model (the HF byte-level fixture tokenizer with ChatML's special tokens) served as
    /// `tiny`, made once per process.
    static let served: ServerState? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = scratch.appendingPathComponent("served")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let tok = try Tokenizer(contentsOf: root.appendingPathComponent("Fixtures/tokenizer/hf-bytelevel.json"))
                .withSpecialTokens(ChatTemplate.chatml.specialTokens)
            let model = try GPTModel(config: GPTConfig(vocabSize: tok.vocabularySize, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 256), seed: 7)
            try model.save(directory: dir)
            try tok.save(tokenizerJSON: dir.appendingPathComponent("tokenizer.json"))
            try ModelCard(name: "tiny", tokenizer: "tokenizer.json", chatTemplate: "chatml").save(directory: dir)
            return try RequestBodyCheck.state(serving: dir)
        } catch {
            logStderr("server-request: cannot make the served model: \(error)")
            return nil
        }
    }()

    /// The first byte picks the endpoint (completions, chat completions, tokenize, detokenize, engine
    /// completions); the rest is the request body, handled as the server handles it (`RequestBodyCheck`).
    static func serverRequest(_ data: Data) -> Bool {
        guard let state = served, let first = data.first else { return false }
        let endpoint = RequestBodyCheck.Endpoint.allCases[Int(first) % RequestBodyCheck.Endpoint.allCases.count]
        return RequestBodyCheck.run(endpoint, body: Array(data.dropFirst()), state: state)
    }

    static func normalizerJSON(_ data: Data) -> Bool {
        guard let n = try? TextNormalizer(jsonData: data) else { return false }
        _ = try? n.normalize(sample)
        _ = try? n.normalizeWithOffsets(sample)
        return true
    }

    /// Differential: the input as text (invalid UTF-8 replaced) through each normalization form's fast path
    /// (clean pieces copied, dirty pieces through ICU), with and without offsets, must equal ICU normalizing the
    /// whole text. A difference is a finding: it traps, so libFuzzer records the input.
    static func normalizeForms(_ data: Data) -> Bool {
        guard let text = try? TextNormalizer(steps: [], invalidUTF8: .replace).normalize(bytes: Array(data)).string else {
            return false
        }
        for form in NormalizationForm.allCases {
            guard let expected = try? form.normalize(text) else { return false }
            let pipeline = TextNormalizer(steps: [.form(form)])
            let plain = try? pipeline.normalize(text)
            let tracked = try? pipeline.normalizeWithOffsets(text).string
            if plain != expected || tracked != expected {
                fatalError("normalize-forms: \(form.rawValue) differs from ICU on the whole text")
            }
        }
        return true
    }
}
