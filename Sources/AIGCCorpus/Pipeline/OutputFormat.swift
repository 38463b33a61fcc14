/// Output layouts of `aigc corpus build`.
public enum OutputFormat: String, Sendable, Codable, CaseIterable {
    /// `{split}-{shard:05d}.safetensors`: int32 `input_ids`, `labels`, `position_ids`, `segment_ids` `[rows, seq_len]`.
    case safetensors
    /// The same tensors as `.npy` files: `{split}-{shard:05d}.{tensor}.npy`.
    case npy
    /// Megatron-LM `MMIDIDX` `{split}.bin`/`{split}.idx` (one sequence per document) and `{split}.loss.bin`.
    case megatron
    /// nanoGPT headerless `{split}.bin` (uint16, or uint32 for large vocabularies).
    case nanogpt

    /// Row formats pack to `seq_len`; document formats store whole documents.
    public var isRowFormat: Bool { self == .safetensors || self == .npy }
}
