import AIGCCore
import CBLAS
import Foundation

/// The OpenBLAS this process runs with: its kernels, threads and build, how its kernels were chosen, and the
/// re-execution that gives a CPU OpenBLAS does not know the kernels it can run.
///
/// OpenBLAS is loaded at run time, the first time the model code needs it (see `CBLAS/include/cblas_loader.h`):
/// commands that never multiply a matrix do not pay for loading it. Reading any property here loads it.
public enum OpenBLASRuntime {
    /// Loads OpenBLAS now if it is not loaded yet; throws, saying why and what to install, when it cannot be.
    /// The model entry points call this, so a missing library is a clear error rather than the slow portable
    /// loops the products fall back to.
    public static func load() throws {
        var buffer = [CChar](repeating: 0, count: 600)
        if aigc_blas_load(&buffer, buffer.count) != 0 { return }
        let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw AIGCError.usage("OpenBLAS could not be loaded (\(reason)); install it (Debian: apt-get install libopenblas0), "
                              + "or set AIGC_OPENBLAS to the library's path")
    }

    /// The kernels in use (`openblas_get_corename()`).
    public static var corename: String { aigc_blas_corename().map { String(cString: $0) } ?? "unknown" }
    /// OpenBLAS's build line (`OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64`).
    public static var config: String { aigc_blas_config().map { String(cString: $0).trimmingCharacters(in: .whitespaces) } ?? "unknown" }
    public static var threads: Int { Int(aigc_blas_threads()) }

    /// Test hook: `AIGC_OPENBLAS_TEST_CORENAME` makes start-up believe OpenBLAS chose this core (to exercise the
    /// re-execution on a CPU OpenBLAS knows).
    static let testCorenameVariable = "AIGC_OPENBLAS_TEST_CORENAME"

    /// How the kernels were chosen: by OpenBLAS, by the user, or by aigc (and what OpenBLAS had picked).
    public static var origin: String {
        let env = ProcessInfo.processInfo.environment
        if let g = env[OpenBLASCoreChoice.guardVariable] {
            let from = g.split(separator: ">").first.map(String.init) ?? g
            return "OPENBLAS_CORETYPE set by aigc: OpenBLAS picked \(from) on this CPU"
        }
        if let u = env["OPENBLAS_CORETYPE"], !u.isEmpty { return "OPENBLAS_CORETYPE=\(u) set by the user" }
        return "detected by OpenBLAS"
    }

    /// For `aigc --version` and run reports: the CPU, and OpenBLAS's kernels, threads and build.
    public static var details: String {
        "CPU: \(CPUInfo.current.summary)\nOpenBLAS: \(config); kernels \(corename) (\(origin)); \(threads) threads"
    }

    /// JSON object members for a training run's metrics: `"cpu":…,"openblas_core":…,"openblas_threads":…`.
    public static func metricsFields(threads workers: Int) -> [String] {
        func q(_ s: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
        return ["\"cpu\":\(q(CPUInfo.current.summary))", "\"openblas_core\":\(q(corename))", "\"openblas_core_origin\":\(q(origin))",
                "\"openblas_threads\":\(threads)", "\"threads\":\(workers)"]
    }

    /// Call before a model command does anything (it loads OpenBLAS). When OpenBLAS fell back to kernels below
    /// what the CPU runs (and neither the user nor an earlier re-execution set the core), re-executes this program
    /// (`/proc/self/exe`, same arguments) with `OPENBLAS_CORETYPE` set, once. Returns only when it does not
    /// re-execute (or `execv` failed: then the program goes on with OpenBLAS's own choice).
    public static func reexecIfNeeded() {
        // Only the variables the decision reads, through getenv: `ProcessInfo.environment` builds a dictionary of
        // the whole environment (~0.5 ms of every command's start-up).
        var env: [String: String] = [:]
        for name in [testCorenameVariable, OpenBLASCoreChoice.guardVariable, "OPENBLAS_CORETYPE"] {
            if let v = getenv(name) { env[name] = String(cString: v) }
        }
        let detected = env[testCorenameVariable] ?? corename
        guard case .reexec(let core) = OpenBLASCoreChoice.decide(environment: env, corename: detected,
                                                                  features: CPUInfo.current.features) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(OpenBLASCoreChoice.guardVariable, "\(detected)>\(core)", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Not re-executed (no /proc): carry on as OpenBLAS chose, without pretending otherwise.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(OpenBLASCoreChoice.guardVariable)
    }
}
