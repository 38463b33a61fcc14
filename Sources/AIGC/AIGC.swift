// The umbrella module: `import AIGC` gives the whole toolkit's public API. Its entry points, by task (each
// library's internals are `package`, so what a Swift user sees is this list and the types these return):
//
// - Normalize text: `TextNormalizer` (steps, or `TextNormalizer(contentsOf:)` for our JSON, an HF normalizer or a
//   tokenizer.json), `StreamingNormalizer` for any size in bounded memory.
// - Tokenize: `Tokenizer.resolve(_:)` (a named encoding, else a tokenizer file; what every `aigc` command uses),
//   `Tokenizer.named(_:)`, `StreamingDecoder`; train a vocabulary with `BPETrainer`, written by `BPETrainingRun`.
// - Build a training corpus: `CorpusBuilder(options: CorpusBuildOptions, tokenizer:).run()` → `DatasetManifest`;
//   past one machine `InputSplitter`, `CorpusPlan`, `CorpusMerger`; read one back with `CorpusInspector`, its files
//   named by `CorpusLayout`.
// - Audit training data: `Auditor(options: AuditOptions).run()` or `BuiltCorpusAuditor(directory:).run()` →
//   `AuditReport` (`jsonData()`, `HTMLReport.render(_:)`).
// - Tensor files: `SafeTensorsFile`, `SafeTensorsWriter`, `Npy`, `MegatronIndex`.
// - Models: `GPTModel`, `Trainer` (pretraining on a `TokenStream`), `Finetuner` (on a `PackedCorpus`),
//   `AdversarialTrainer`, `GANTrainer`; generation with `Generator` or `InferenceEngine` (continuous batching).
// - Named models and the two-line API: `ModelStore`, `ModelCard`, `LoadedModel`, `AIGC(modelName:)`.
//
// README.md shows each in use; `Examples/` is a separate package that uses the tokenizer, normalizer and corpus
// builder through this module as a versioned dependency.
@_exported import AIGCCore
@_exported import AIGCText
@_exported import AIGCFormats
@_exported import AIGCTokenizer
@_exported import AIGCCorpus
@_exported import AIGCAudit
@_exported import AIGCModel
