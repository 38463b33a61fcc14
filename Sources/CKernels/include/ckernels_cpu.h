#ifndef CKERNELS_CPU_H
#define CKERNELS_CPU_H

/// What the CPU is and what it can run, from `cpuid` (and `xgetbv` for what the OS saves on a context switch: a
/// feature whose registers the kernel does not save must not be used). Zero everywhere on a non-x86 CPU.
typedef struct {
    char vendor[13];
    char brand[49];
    unsigned int family;
    unsigned int model;
    unsigned int stepping;
    /// CK_CPU_* bits, each set only when the OS also saves the registers it needs.
    unsigned long long features;
} ck_cpu_info;

enum {
    CK_CPU_SSE42 = 1u << 0,
    CK_CPU_AVX = 1u << 1,
    CK_CPU_AVX2 = 1u << 2,
    CK_CPU_FMA = 1u << 3,
    CK_CPU_AVX512F = 1u << 4,
    CK_CPU_AVX512DQ = 1u << 5,
    CK_CPU_AVX512CD = 1u << 6,
    CK_CPU_AVX512BW = 1u << 7,
    CK_CPU_AVX512VL = 1u << 8,
    CK_CPU_AVX512BF16 = 1u << 9,
    CK_CPU_AMXBF16 = 1u << 10,
    CK_CPU_AVX512FP16 = 1u << 11,
};

void ck_cpu_identify(ck_cpu_info *out);

#endif
