/// Which OpenBLAS kernels to use on this CPU: pure decisions, tested without the CPU or the library.
///
/// OpenBLAS built with DYNAMIC_ARCH (Debian's, 0.3.21) picks its kernels when the library loads, from the CPU's
/// vendor, family and model. A CPU newer than the library (Intel family 6 model 207, Emerald Rapids, with
/// OpenBLAS 0.3.21) is not in its table, and it falls back to its generic `Prescott` kernels: sgemm 4–5× slower
/// than the AVX-512 kernels the CPU can run. `OPENBLAS_CORETYPE` overrides the choice, but only when it is set
/// before the library loads, that is before `main`: so `aigc` re-executes itself once with it set
/// (`OpenBLASRuntime.reexecIfNeeded`).
public enum OpenBLASCoreChoice {
    /// OpenBLAS core names (x86-64, as `openblas_get_corename()` spells them) by how fast their sgemm kernels
    /// are on a CPU that can run them; cores of one rank use the same sgemm kernels.
    static let rank: [String: Int] = [
        "prescott": 0, "atom": 0, "katmai": 0, "coppermine": 0, "northwood": 0, "banias": 0, "core2": 1, "penryn": 1,
        "dunnington": 1, "bobcat": 1, "opteron": 1, "opteron_sse3": 1, "nehalem": 2, "barcelona": 2, "sandybridge": 3,
        "bulldozer": 3, "piledriver": 3, "steamroller": 3, "excavator": 4, "haswell": 4, "zen": 4, "skylakex": 5,
        "cooperlake": 5, "sapphirerapids": 5,
    ]

    /// The best core whose kernels the CPU can run (nil: none beyond the baseline).
    public static func best(for features: CPUFeatures) -> String? {
        if features.isSuperset(of: CPUFeatures.skylakeX) {
            return features.contains(.avx512bf16) ? "Cooperlake" : "SkylakeX"
        }
        if features.isSuperset(of: [.avx2, .fma]) { return "Haswell" }
        if features.contains(.avx) { return "Sandybridge" }
        if features.contains(.sse42) { return "Nehalem" }
        return nil
    }

    /// The core to force for a CPU with `features` on which OpenBLAS chose `corename`: the best core the CPU can
    /// run when it ranks above OpenBLAS's own choice, else nil (OpenBLAS chose well, or it is not a DYNAMIC_ARCH
    /// x86 build whose names are known: never override what is not understood).
    public static func choose(features: CPUFeatures, corename: String) -> String? {
        guard let current = rank[corename.lowercased()], let best = best(for: features),
              let bestRank = rank[best.lowercased()], bestRank > current else { return nil }
        return best
    }

    /// The variable that marks a process started by `aigc`'s own re-execution; it holds what OpenBLAS had chosen,
    /// then the core set, as `Prescott>SkylakeX`.
    public static let guardVariable = "AIGC_OPENBLAS_REEXEC"

    public enum Decision: Equatable, Sendable {
        /// Run as is, and why.
        case keep(String)
        /// Re-execute with `OPENBLAS_CORETYPE` set to this core.
        case reexec(String)
    }

    /// What to do at start-up, given the environment, OpenBLAS's choice and the CPU. Re-executes at most once: a
    /// process that is itself the re-execution (the guard variable is set) never does it again, whatever OpenBLAS
    /// reports (a core this OpenBLAS build lacks falls back again); a core the user set is the user's choice.
    public static func decide(environment: [String: String], corename: String, features: CPUFeatures) -> Decision {
        if let g = environment[guardVariable] { return .keep("already re-executed (\(g))") }
        if let user = environment["OPENBLAS_CORETYPE"], !user.isEmpty { return .keep("OPENBLAS_CORETYPE=\(user) set by the user") }
        guard let core = choose(features: features, corename: corename) else { return .keep("OpenBLAS chose \(corename)") }
        return .reexec(core)
    }
}
