import CKernels

/// The precision of the weights a serving engine multiplies with (`aigc serve --weights`).
/// - `fp32`: the model's own weights; every linear layer of prompts and decode steps through `Kernels.decodeMatmul`.
/// - `bf16`: every linear layer (attention, projection, MLP, LM head) with weights rounded to bfloat16 once at load
///   and activations rounded per row, fp32 accumulation (`Kernels.linearBF16`: AVX512-BF16 dot products, twice the
///   multiply-adds per instruction of fp32 and half the weight bytes), and a bf16 KV cache (keys and values rounded as
///   stored, widened exactly as attention reads them). Embeddings, LayerNorm, the attention arithmetic and sampling
///   stay fp32. The linear layers give the same bits on every CPU (without AVX512-BF16 portable loops, slowly).
public enum WeightPrecision: String, Sendable, CaseIterable, CustomStringConvertible {
    case fp32
    case bf16

    public var description: String { rawValue }

    /// Whether this CPU runs `bf16` with its AVX512-BF16 instructions (else portable loops, same results, slower).
    public static var bf16IsAccelerated: Bool { ck_bf16_uses_avx512bf16() != 0 }
}
