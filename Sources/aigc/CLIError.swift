import ArgumentParser
import AIGC
import Foundation

/// Runs a command body, turning every toolkit error into one clear line on stderr and a non-zero exit.
func runCLI(_ body: () async throws -> Void) async throws {
    // Every command starts by taking back the core OpenBLAS's idle workers spin on (see BLASWorkers); the model
    // commands get them back on their first threaded BLAS call.
    BLASWorkers.stopIdle()
    do {
        try await body()
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch {
        logStderr("aigc: error: \(error)")
        throw ExitCode(1)
    }
}

/// Output sink: stdout (buffered) or an atomically written file.
final class OutputSink {
    private let writer: AtomicFileWriter?
    private var buffer: [UInt8] = []

    init(path: String?) throws {
        if let path, path != "-" { writer = try AtomicFileWriter(url: URL(fileURLWithPath: path)) } else { writer = nil }
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ bytes: [UInt8]) throws {
        if let writer { try writer.write(bytes); return }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    func write(raw: UnsafeRawBufferPointer) throws {
        if let writer { try writer.write(bytes: raw); return }
        if raw.count >= 1 << 16 {
            // Large blocks go straight to stdout (no copy through the buffer).
            flush()
            OutputSink.writeAll(raw)
            return
        }
        buffer.append(contentsOf: raw)
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { OutputSink.writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func writeAll(_ p: UnsafeRawBufferPointer) {
        var off = 0
        while off < p.count {
            let n = Foundation.write(1, p.baseAddress! + off, p.count - off)
            if n <= 0 { break }
            off += n
        }
    }

    func finish() throws {
        if let writer { try writer.commit() } else { flush() }
    }
}
