import CKernels

/// Instruction-set features that decide which OpenBLAS kernels a CPU can run (each one only when the OS also
/// saves its registers).
public struct CPUFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let sse42 = CPUFeatures(rawValue: UInt64(CK_CPU_SSE42))
    public static let avx = CPUFeatures(rawValue: UInt64(CK_CPU_AVX))
    public static let avx2 = CPUFeatures(rawValue: UInt64(CK_CPU_AVX2))
    public static let fma = CPUFeatures(rawValue: UInt64(CK_CPU_FMA))
    public static let avx512f = CPUFeatures(rawValue: UInt64(CK_CPU_AVX512F))
    public static let avx512dq = CPUFeatures(rawValue: UInt64(CK_CPU_AVX512DQ))
    public static let avx512cd = CPUFeatures(rawValue: UInt64(CK_CPU_AVX512CD))
    public static let avx512bw = CPUFeatures(rawValue: UInt64(CK_CPU_AVX512BW))
    public static let avx512vl = CPUFeatures(rawValue: UInt64(CK_CPU_AVX512VL))
    public static let avx512bf16 = CPUFeatures(rawValue: UInt64(CK_CPU_AVX512BF16))
    public static let amxbf16 = CPUFeatures(rawValue: UInt64(CK_CPU_AMXBF16))
    public static let avx512fp16 = CPUFeatures(rawValue: UInt64(CK_CPU_AVX512FP16))

    /// What OpenBLAS's SkylakeX kernels need (AVX-512 foundation, DQ, CD, BW, VL).
    public static let skylakeX: CPUFeatures = [.avx512f, .avx512dq, .avx512cd, .avx512bw, .avx512vl, .avx2, .fma]

    /// Names, for reports.
    public var names: [String] {
        let all: [(CPUFeatures, String)] = [(.sse42, "sse4.2"), (.avx, "avx"), (.avx2, "avx2"), (.fma, "fma"), (.avx512f, "avx512f"),
                                            (.avx512dq, "avx512dq"), (.avx512cd, "avx512cd"), (.avx512bw, "avx512bw"),
                                            (.avx512vl, "avx512vl"), (.avx512bf16, "avx512_bf16"), (.avx512fp16, "avx512_fp16"),
                                            (.amxbf16, "amx_bf16")]
        return all.filter { contains($0.0) }.map(\.1)
    }
}
