#ifndef CKERNELS_PREFETCH_H
#define CKERNELS_PREFETCH_H

/// Hints the CPU to bring the cache line at `p` in ahead of a random access (hash-table probes of tables larger
/// than the caches). Never faults, whatever `p` is.
static inline void ck_prefetch(const void *p) { __builtin_prefetch(p, 1, 3); }

/// The same for data that will only be read, such as tables shared by several threads: a write-intent prefetch
/// would take the line exclusive and invalidate the other cores' copies.
static inline void ck_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
