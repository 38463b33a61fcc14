#ifndef CKERNELS_UTF8_H
#define CKERNELS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/// The length k of a prefix of p[0..<n] that is certainly valid UTF-8 and ends where a sequence starts, found 32
/// bytes at a time with AVX2 (the lookup-table method of Keiser and Lemire, "Validating UTF-8 In Less Than One
/// Instruction Per Byte", 2021). k == n when the whole input is valid; otherwise the first invalid sequence (if
/// any) starts at or after k, within about 32 bytes of it, and a sequence-by-sequence walk from k finds it. Returns
/// 0 (nothing vouched for) on a CPU without AVX2. Callers: `UTF8Bytes.firstInvalid`.
size_t ck_utf8_valid_prefix(const uint8_t *p, size_t n);

/// Whether ck_utf8_valid_prefix runs its AVX2 code on this CPU (for tests and benchmark reports).
int ck_utf8_uses_avx2(void);

#endif
