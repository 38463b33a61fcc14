/// Matrix products for the GAN's layers: row-major C = alpha·op(A)·op(B) + beta·C with op(A) m×k, op(B) k×n.
/// `.blas` goes through the model's one BLAS entry point (`BLAS.sgemm`, OpenBLAS); `.naive` is the reference triple loop (Double accumulation) that the
/// tests compare against, and that a whole training run can use to show the two give the same model.
public enum GANGemm: String, Sendable, Codable {
    case blas
    case naive

    @inline(__always)
    package func callAsFunction(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        switch self {
        case .blas:
            BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                       b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .naive:
            Self.reference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                           b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// The reference kernel. As in BLAS, beta == 0 ignores C's old contents (even NaN).
    package static func reference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var s: Double = 0
                for p in 0..<k {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    s += Double(av) * Double(bv)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                c[i * ldc + j] = Float(Double(alpha) * s + old)
            }
        }
    }

    /// Sets OpenBLAS's thread count (the GAN's matrices are small: one thread is fastest and keeps runs
    /// reproducible regardless of the machine's core count).
    public static func setBLASThreads(_ n: Int) { BLAS.setThreads(n) }
}
