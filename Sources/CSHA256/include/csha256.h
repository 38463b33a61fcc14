#ifndef AIGC_CSHA256_H
#define AIGC_CSHA256_H
#include <stdint.h>
#include <stddef.h>
/* SHA-256 compression of `blocks` consecutive 64-byte blocks into `state` (8 words, FIPS 180-4 order).
   Uses the x86 SHA extensions when the CPU has them (about 10x faster than portable code), else portable C. */
void aigc_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);
/* 1 when the SHA-extension path is in use (for tests and benchmarks). */
int aigc_sha256_accelerated(void);
#endif
