import CBLAS
import Foundation

/// The one entry point for matrix products: row-major `cblas_sgemm`, C = alpha·op(A)·op(B) + beta·C with
/// op(A) m×k and op(B) k×n. When profiling is on, each call's wall time and flops are added to the calling
/// thread's `BLASProfile` (the timer costs ~50 ns per call, so it is off by default).
@usableFromInline
enum BLAS {
    @inline(__always) @usableFromInline
    static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, profile: BLASProfile? = nil) {
        if m == 0 || n == 0 { return }
        let start = profile != nil ? BLASProfile.threadCPU() : 0
        aigc_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
                   Int32(ldc))
        if let profile {
            profile.seconds += BLASProfile.threadCPU() - start
            profile.flops += 2 * Double(m) * Double(n) * Double(k)
            profile.calls += 1
        }
    }

    /// Products with at most this many rows go through `sgemv` row by row (see `Kernels.matmulForward`).
    @usableFromInline static let gemvRows = 4

    /// y[m] = A[m, n] · x[n] + beta·y, A row-major: one row of a matrix product with a weight matrix.
    @inline(__always) @usableFromInline
    static func sgemv(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, beta: Float,
                      y: UnsafeMutablePointer<Float>, profile: BLASProfile? = nil) {
        if m == 0 { return }
        let start = profile != nil ? BLASProfile.threadCPU() : 0
        aigc_sgemv(Int32(m), Int32(n), a, Int32(lda), x, beta, y)
        if let profile {
            profile.seconds += BLASProfile.threadCPU() - start
            profile.flops += 2 * Double(m) * Double(n)
            profile.calls += 1
        }
    }

    /// Sets OpenBLAS's own thread count. The trainer runs OpenBLAS single-threaded and parallelises over batch
    /// shards itself (see docs/model.md, "Threads"), so the two never oversubscribe the cores.
    static func setThreads(_ n: Int) { aigc_blas_set_threads(Int32(max(1, n))) }
}

/// Sets OpenBLAS's thread count (for callers outside the trainer, e.g. generation).
public func openBLASThreads(_ n: Int) { BLAS.setThreads(n) }

/// CPU time and flops spent in sgemm by one worker (not thread-safe: one per worker). CPU time (the calling
/// thread's clock), not wall time, so the figures stay meaningful on a machine shared with other work; the
/// clock read is a system call (~0.5 µs), which is why profiling is opt-in.
public final class BLASProfile: @unchecked Sendable {
    public var seconds: Double = 0
    public var flops: Double = 0
    public var calls: Int = 0
    public init() {}

    public func reset() { seconds = 0; flops = 0; calls = 0 }

    @inline(__always) static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// CPU time of the whole process (all threads).
    @inline(__always) static func processCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    @inline(__always) static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
