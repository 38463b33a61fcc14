#ifndef CKERNELS_MINHASH_H
#define CKERNELS_MINHASH_H

#include <stdint.h>

/// MinHash lanes over many shingle hashes: for every x in xs[0..<count] and every lane j,
/// mins[j] = min(mins[j], (uint32_t)((a[j] * x + b[j]) >> 32)) with 64-bit wrapping arithmetic, where
/// a[j] = ah[j] << 32 | al[j]. Exactly the scalar formula, computed as
/// hi32(al*xl + b) + ah*xl + al*xh (mod 2^32), so only 32x32-bit multiplies are needed and SSE4.1 does four lanes
/// at a time; with AVX512-DQ sixteen lanes at a time on 64-bit products (chosen at run time; a portable loop otherwise).
void ck_minhash_lanes(uint32_t *mins, const uint32_t *al, const uint32_t *ah, const uint64_t *b, int lanes,
                        const uint64_t *xs, int count);

#endif
