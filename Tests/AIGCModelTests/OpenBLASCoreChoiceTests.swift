import AIGCModel
import Foundation
import Testing

/// Which OpenBLAS kernels to force (a pure function of the CPU's features and OpenBLAS's own choice), and when to
/// re-execute to force them.
@Suite struct OpenBLASCoreChoiceTests {
    static let emeraldRapids: CPUFeatures = [.sse42, .avx, .avx2, .fma, .avx512f, .avx512dq, .avx512cd, .avx512bw, .avx512vl,
                                             .avx512bf16, .avx512fp16, .amxbf16]
    static let skylakeX: CPUFeatures = [.sse42, .avx, .avx2, .fma, .avx512f, .avx512dq, .avx512cd, .avx512bw, .avx512vl]
    static let haswell: CPUFeatures = [.sse42, .avx, .avx2, .fma]

    @Test func fallbackKernelsAreReplacedByTheBestTheCPURuns() {
        // Issue 17: Intel family 6 model 207 under OpenBLAS 0.3.21 gets Prescott.
        #expect(OpenBLASCoreChoice.choose(features: Self.emeraldRapids, corename: "Prescott") == "Cooperlake")
        #expect(OpenBLASCoreChoice.choose(features: Self.skylakeX, corename: "Prescott") == "SkylakeX")
        #expect(OpenBLASCoreChoice.choose(features: Self.skylakeX, corename: "Core2") == "SkylakeX")
        #expect(OpenBLASCoreChoice.choose(features: Self.haswell, corename: "Nehalem") == "Haswell")
        #expect(OpenBLASCoreChoice.choose(features: [.sse42, .avx], corename: "Prescott") == "Sandybridge")
        #expect(OpenBLASCoreChoice.choose(features: Self.emeraldRapids, corename: "Haswell") == "Cooperlake")
    }

    @Test func goodChoicesAndUnknownNamesAreLeftAlone() {
        // OpenBLAS chose as well as it can (same sgemm kernels for SkylakeX and Cooperlake).
        #expect(OpenBLASCoreChoice.choose(features: Self.emeraldRapids, corename: "Cooperlake") == nil)
        #expect(OpenBLASCoreChoice.choose(features: Self.emeraldRapids, corename: "SkylakeX") == nil)
        #expect(OpenBLASCoreChoice.choose(features: Self.emeraldRapids, corename: "SapphireRapids") == nil)
        #expect(OpenBLASCoreChoice.choose(features: Self.haswell, corename: "Zen") == nil)
        #expect(OpenBLASCoreChoice.choose(features: Self.haswell, corename: "Haswell") == nil)
        // The CPU cannot run better kernels (or the OS does not save the AVX registers: no features).
        #expect(OpenBLASCoreChoice.choose(features: [], corename: "Prescott") == nil)
        #expect(OpenBLASCoreChoice.choose(features: Self.haswell, corename: "SkylakeX") == nil)
        // Names this table does not know (other architectures, future cores) are never overridden.
        #expect(OpenBLASCoreChoice.choose(features: Self.emeraldRapids, corename: "NEOVERSEN1") == nil)
        #expect(OpenBLASCoreChoice.choose(features: Self.emeraldRapids, corename: "unknown") == nil)
    }

    @Test func reexecutesOnceAndNeverOverTheUser() {
        let f = Self.emeraldRapids
        #expect(OpenBLASCoreChoice.decide(environment: [:], corename: "Prescott", features: f) == .reexec("Cooperlake"))
        #expect(OpenBLASCoreChoice.decide(environment: ["OPENBLAS_CORETYPE": ""], corename: "Prescott", features: f) == .reexec("Cooperlake"))
        // The user's setting wins, whatever it is.
        #expect(OpenBLASCoreChoice.decide(environment: ["OPENBLAS_CORETYPE": "Prescott"], corename: "Prescott", features: f)
                == .keep("OPENBLAS_CORETYPE=Prescott set by the user"))
        // The loop guard: a re-executed process whose OpenBLAS still reports the fallback (a core this build
        // lacks) does not re-execute again, even were OPENBLAS_CORETYPE gone.
        #expect(OpenBLASCoreChoice.decide(environment: [OpenBLASCoreChoice.guardVariable: "Prescott>Cooperlake"],
                                          corename: "Prescott", features: f) == .keep("already re-executed (Prescott>Cooperlake)"))
        #expect(OpenBLASCoreChoice.decide(environment: [:], corename: "Cooperlake", features: f) == .keep("OpenBLAS chose Cooperlake"))
    }

    /// On an x86-64 CPU with AVX2 (every machine this project measures on) the CPU and the best core are found.
    @Test(.enabled(if: CPUInfo.current.features.contains(.avx2), "needs an x86-64 CPU with AVX2"))
    func thisCPU() throws {
        let cpu = CPUInfo.current
        #expect(!cpu.vendor.isEmpty && cpu.family > 0)
        // cpuid's space padding is trimmed (byte-wise, as Foundation's trimming would).
        for s in [cpu.vendor, cpu.brand] { #expect(s == s.trimmingCharacters(in: .whitespaces), "'\(s)'") }
        #expect(OpenBLASCoreChoice.best(for: cpu.features) != nil)
        #expect(!OpenBLASRuntime.corename.isEmpty && OpenBLASRuntime.config.contains("OpenBLAS"))
    }
}
