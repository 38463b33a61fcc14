import Foundation

/// Runs the built `aigc` binary (found next to the test bundle, i.e. in the same build products directory, so any
/// `--scratch-path` works) and captures its output.
enum CLI {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent().appendingPathComponent("aigc")) }
        let arg0 = URL(fileURLWithPath: CommandLine.arguments[0])
        candidates.append(arg0.deletingLastPathComponent().appendingPathComponent("aigc"))
        for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("aigc")) }
        candidates.append(repoRoot.appendingPathComponent(".build/debug/aigc"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }

    struct Result { var status: Int32; var stdout: Data; var stderr: String; var out: String { String(decoding: stdout, as: UTF8.self) } }

    /// Runs `aigc args…` with optional stdin bytes.
    @discardableResult
    /// `unsetting`: variables removed from the inherited environment (a machine may set, say, OPENBLAS_CORETYPE).
    static func run(_ args: [String], stdin: Data? = nil, environment: [String: String] = [:], unsetting: [String] = [],
                    cwd: URL? = nil, executable: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = executable ?? binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for k in unsetting { env[k] = nil }
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let cwd { p.currentDirectoryURL = cwd }
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        p.standardInput = inPipe
        try p.run()
        // Drain both pipes concurrently so a large output never blocks the child.
        nonisolated(unsafe) var errData = Data()
        let errThread = Thread { errData = errPipe.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        if let stdin { try inPipe.fileHandleForWriting.write(contentsOf: stdin) }
        try inPipe.fileHandleForWriting.close()
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errThread.isFinished { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `aigc args…` with its stdout opened on `stdoutPath` (e.g. /dev/full); returns the status and stderr.
    static func run(_ args: [String], stdoutPath: String) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        guard let out = FileHandle(forWritingAtPath: stdoutPath) else { throw CocoaError(.fileNoSuchFile) }
        let errPipe = Pipe()
        p.standardOutput = out
        p.standardError = errPipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try out.close()
        return (p.terminationStatus, String(decoding: err, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func tempDir(_ name: String = "aigc-test") throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Path of an external tool, if installed.
    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }
}
