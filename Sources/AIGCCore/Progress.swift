import Foundation

/// Progress on stderr for long work: a single self-overwriting line with rate and ETA when stderr is a TTY,
/// nothing at all otherwise (pipes, CI, logs stay clean). Thread-safe; updates are rate-limited to ~10 per second.
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let unit: String
    private let total: Double?
    private let enabled: Bool
    private let start = Date()
    private var done: Double = 0
    private var lastDraw = Date.distantPast
    private var extra: String = ""

    /// - Parameters:
    ///   - total: the amount expected (for ETA), if known.
    ///   - unit: "B" formats amounts as bytes; anything else is printed after a plain count.
    public init(_ label: String, total: Double? = nil, unit: String = "B", enabled: Bool? = nil) {
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = enabled ?? (isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil)
    }

    public func advance(by amount: Double, note: String? = nil) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        done += amount
        if let note { extra = note }
        drawIfDue()
    }

    public func set(_ amount: Double, note: String? = nil) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        done = amount
        if let note { extra = note }
        drawIfDue()
    }

    private func drawIfDue() {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 1e-6)
        let rate = done / elapsed
        var line = "\r\(label): \(format(done))"
        if let total { line += "/\(format(total))" }
        line += " \(format(rate))/s"
        if let total, rate > 0 {
            let eta = max(0, (total - done) / rate)
            line += " ETA \(Self.duration(eta))"
        }
        if !extra.isEmpty { line += " \(extra)" }
        line += "\u{1B}[K"
        writeStderr(line)
    }

    public func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        lastDraw = .distantPast
        drawIfDue()
        writeStderr("\n")
    }

    private func format(_ v: Double) -> String {
        if unit == "B" {
            let units = ["B", "KB", "MB", "GB", "TB"]
            var x = v, i = 0
            while x >= 1000 && i < units.count - 1 { x /= 1000; i += 1 }
            return i == 0 ? "\(Int(x)) B" : String(format: "%.1f %@", x, units[i])
        }
        if v >= 1e6 { return String(format: "%.2fM %@", v / 1e6, unit) }
        if v >= 1e3 { return String(format: "%.1fk %@", v / 1e3, unit) }
        return "\(Int(v)) \(unit)"
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}

/// Writes a log line to stderr (data goes to stdout or files; logs never do).
public func logStderr(_ message: String) {
    writeStderr(message + "\n")
}

/// Best effort: a log that cannot be written (stderr closed or on a full disk) is dropped, never a crash.
func writeStderr(_ text: String) {
    var t = text
    t.withUTF8 { try? POSIXFile.writeAll(2, UnsafeRawBufferPointer($0), name: "stderr") }
}
