#include "ckernels_cpu.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long xgetbv0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

void ck_cpu_identify(ck_cpu_info *out) {
    memset(out, 0, sizeof *out);
    unsigned int a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return;
    unsigned int maxLeaf = a;
    memcpy(out->vendor, &b, 4);
    memcpy(out->vendor + 4, &d, 4);
    memcpy(out->vendor + 8, &c, 4);
    __get_cpuid(1, &a, &b, &c, &d);
    unsigned int base = (a >> 8) & 0xF, ext = (a >> 20) & 0xFF;
    out->family = base == 0xF ? base + ext : base;
    out->model = (a >> 4) & 0xF;
    if (base == 0x6 || base == 0xF) out->model |= ((a >> 16) & 0xF) << 4;
    out->stepping = a & 0xF;
    unsigned long long f = 0;
    int osxsave = (c >> 27) & 1;
    unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
    int ymm = (xcr0 & 0x6) == 0x6;              /* XMM and YMM state */
    int zmm = ymm && (xcr0 & 0xE0) == 0xE0;     /* opmask, ZMM_Hi256, Hi16_ZMM */
    int amx = (xcr0 & 0x60000) == 0x60000;      /* XTILECFG, XTILEDATA */
    if ((c >> 20) & 1) f |= CK_CPU_SSE42;
    if (ymm && ((c >> 28) & 1)) f |= CK_CPU_AVX;
    if (ymm && ((c >> 12) & 1)) f |= CK_CPU_FMA;
    if (maxLeaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        unsigned int subleaves = a;
        if (ymm && ((b >> 5) & 1)) f |= CK_CPU_AVX2;
        if (zmm) {
            if ((b >> 16) & 1) f |= CK_CPU_AVX512F;
            if ((b >> 17) & 1) f |= CK_CPU_AVX512DQ;
            if ((b >> 28) & 1) f |= CK_CPU_AVX512CD;
            if ((b >> 30) & 1) f |= CK_CPU_AVX512BW;
            if ((b >> 31) & 1) f |= CK_CPU_AVX512VL;
            if ((d >> 23) & 1) f |= CK_CPU_AVX512FP16;
        }
        if (amx && ((d >> 22) & 1)) f |= CK_CPU_AMXBF16;
        if (subleaves >= 1) {
            __cpuid_count(7, 1, a, b, c, d);
            if (zmm && ((a >> 5) & 1)) f |= CK_CPU_AVX512BF16;
        }
    }
    out->features = f;
    if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000004) {
        unsigned int regs[12];
        for (unsigned int i = 0; i < 3; i++) __get_cpuid(0x80000002 + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
        memcpy(out->brand, regs, 48);
        out->brand[48] = 0;
    }
}
#else
void ck_cpu_identify(ck_cpu_info *out) { memset(out, 0, sizeof *out); }
#endif
