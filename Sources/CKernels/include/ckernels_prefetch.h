#ifndef CKERNELS_PREFETCH_H
#define CKERNELS_PREFETCH_H

/// Hints the CPU to bring the cache line at `p` in ahead of a random access (hash-table probes of tables larger
/// than the caches). Never faults, whatever `p` is.
static inline void ck_prefetch(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
