/// The model's fp32 kernels: each forward kernel has its backward beside it, works on flat row-major buffers,
/// and is single-threaded (parallelism is over batch shards, one worker per shard). Every matrix product goes
/// through `BLAS.sgemm`. `NaiveKernels` holds a loop-only reference for each, used by the tests.
/// Backward kernels *accumulate* (+=) into parameter gradients, and *write* (=) activation gradients unless
/// documented otherwise.
package enum Kernels {
    package typealias FP = UnsafeMutablePointer<Float>
    package typealias CFP = UnsafePointer<Float>
}
