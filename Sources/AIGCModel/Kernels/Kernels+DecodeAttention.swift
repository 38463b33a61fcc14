import CKernels

extension Kernels {
    /// Attention of one new token against its sequence's KV cache (decoding): `q` is the token's query `[C]`
    /// (row of qkv), `k`/`v` the cache rows `[len, C]` with stride C (the token's own k and v already at row
    /// len − 1). Writes `out` `[C]`; `scores` holds `NH · len` floats.
    ///
    /// `cachedAttentionForward` does the same with two BLAS calls per head; for a single query row those are
    /// gemv-sized calls whose dispatch (and, with OpenBLAS threads, thread hand-off) costs more than the
    /// arithmetic. Here it is SIMD loops in C (`ck_decode_attention`: AVX-512 when the CPU has it), per sequence,
    /// so it is also independent of the batch. Reference: `cachedAttentionForward` (tests).
    package static func decodeAttention(out: FP, q: CFP, k: CFP, v: CFP, len: Int, C: Int, NH: Int, scores: FP) {
        ck_decode_attention(out, q, k, v, Int32(len), Int32(C), Int32(NH), Int32(C), scores)
    }

    /// `decodeAttention` over a bf16 cache (`KVCache.bf16`): each key and value widened to fp32 exactly as it is
    /// read, so the result equals `decodeAttention` on the widened rows bit for bit, with half the bytes to read.
    /// `scratch` holds `NH · len + 2 · len · C` floats.
    package static func decodeAttentionBF16(out: FP, q: CFP, k: UnsafePointer<UInt16>, v: UnsafePointer<UInt16>, len: Int,
                                            C: Int, NH: Int, scratch: FP) {
        ck_decode_attention_bf16(out, q, k, v, Int32(len), Int32(C), Int32(NH), Int32(C), scratch)
    }
}
