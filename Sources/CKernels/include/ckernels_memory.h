#ifndef CKERNELS_MEMORY_H
#define CKERNELS_MEMORY_H

#include <stdint.h>

// Unaligned loads and stores of fixed-size integers for the tokenizer's hot loops. Swift's
// `UnsafeRawPointer.loadUnaligned(fromByteOffset:as:)` and friends are generic functions the optimizer specializes
// but, inside the encoder's large per-piece closure, stopped inlining: the release build called one-instruction
// functions out of line over 150 times in that closure (each call also clobbering the caller-saved registers).
// These are always inlined: each is one `mov`.

#define CK_INLINE static inline __attribute__((always_inline))

CK_INLINE uint64_t ck_load_u64(const void *p, long offset) {
    uint64_t v;
    __builtin_memcpy(&v, (const char *)p + offset, 8);
    return v;
}

CK_INLINE uint32_t ck_load_u32(const void *p, long offset) {
    uint32_t v;
    __builtin_memcpy(&v, (const char *)p + offset, 4);
    return v;
}

CK_INLINE uint8_t ck_load_u8(const void *p, long offset) { return ((const uint8_t *)p)[offset]; }

CK_INLINE void ck_store_u64(void *p, long offset, uint64_t v) { __builtin_memcpy((char *)p + offset, &v, 8); }

CK_INLINE void ck_store_u32(void *p, long offset, uint32_t v) { __builtin_memcpy((char *)p + offset, &v, 4); }

CK_INLINE void ck_store_u8(void *p, long offset, uint8_t v) { ((uint8_t *)p)[offset] = v; }

#undef CK_INLINE

#endif
