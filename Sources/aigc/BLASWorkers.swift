import Foundation

/// Called first thing in `AIGCCommand.main`, for every command. OpenBLAS (linked for the model commands) starts its worker threads when the process loads, and they spin in
/// `sched_yield` for about 0.1 s before they sleep: on a 2-core machine that takes the second core away from a
/// command that never calls BLAS (`aigc encode` measured ~0.1 s of extra CPU). `stopIdle()` joins them through
/// OpenBLAS's own shutdown entry point, looked up at run time (a no-op with another BLAS); OpenBLAS starts them
/// again on its next threaded call.
enum BLASWorkers {
    static func stopIdle() {
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "blas_thread_shutdown_") else { return }
        typealias Shutdown = @convention(c) () -> Int32
        _ = unsafeBitCast(sym, to: Shutdown.self)()
    }
}
