import Foundation

/// The one place where sizes, thread counts and real numbers given by a user are checked, before anything is
/// allocated: a size outside its range or a product that would not fit in memory is refused with a message naming
/// the option and the value (libraries name it by property, `CorpusBuildOptions.seqLen`; the CLI passes its flags
/// and shows library names as flags through its `OptionFlags`); a thread count beyond what can help is clamped with a note; NaN and infinity are refused.
public enum Limits {
    /// Physical memory of this machine, in bytes.
    public static var physicalMemory: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Logical cores available to this process. Read once: Foundation's `activeProcessorCount` reads the cgroup
    /// quota files on every call, and option defaults are evaluated each time ArgumentParser makes a command value
    /// (several times per run): ~0.5 ms of every `aigc normalize` start-up.
    public static let cores: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// More worker threads than this never help (each costs its own buffers): 4 × the cores.
    public static var maxUsefulThreads: Int { 4 * cores }

    /// Refuses `value` outside `range`, naming `flag` (e.g. "CorpusBuildOptions.seqLen", or "--seq-len" in the CLI).
    public static func check(_ flag: String, _ value: Int, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            let bound = range.upperBound == Int.max ? "≥ \(range.lowerBound)" : "in \(range.lowerBound)...\(range.upperBound)"
            throw AIGCError.usage("\(flag) must be \(bound) (got \(value))")
        }
    }

    /// Refuses NaN and ±infinity, naming `flag`.
    public static func finite(_ flag: String, _ value: Double) throws {
        guard value.isFinite else { throw AIGCError.usage("\(flag) must be a finite number (got \(value))") }
    }

    public static func finite(_ flag: String, _ value: Float) throws { try finite(flag, Double(value)) }

    /// Refuses a `value` that is not finite or lies outside `range`.
    public static func check(_ flag: String, _ value: Double, in range: ClosedRange<Double>) throws {
        try finite(flag, value)
        guard range.contains(value) else { throw AIGCError.usage("\(flag) must be in \(range.lowerBound)...\(range.upperBound) (got \(value))") }
    }

    /// Refuses an allocation of `bytes` (computed in floating point, so no product of flags can overflow) larger
    /// than this machine's memory. `what` names it with the flags it comes from.
    public static func memory(_ what: String, bytes: Double) throws {
        guard bytes.isFinite, bytes <= physicalMemory else {
            throw AIGCError.usage("\(what) would need \(format(bytes)), more than this machine's memory (\(format(physicalMemory)))")
        }
    }

    /// A worker-thread count: < 1 is refused; more than `maxUsefulThreads` is clamped to it, with a note on stderr.
    public static func threads(_ flag: String, _ requested: Int) throws -> Int {
        guard requested >= 1 else { throw AIGCError.usage("\(flag) must be ≥ 1 (got \(requested))") }
        let cap = maxUsefulThreads
        if requested > cap {
            logStderr("aigc: note: \(flag) \(requested) is more than can help on \(cores) cores; using \(cap)")
            return cap
        }
        return requested
    }

    static func format(_ bytes: Double) -> String {
        guard bytes.isFinite else { return "an unbounded amount" }
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
        var x = bytes, i = 0
        while x >= 1000 && i < units.count - 1 { x /= 1000; i += 1 }
        return i >= units.count - 1 && x >= 1000 ? String(format: "%.3g %@", x, units[i]) : String(format: "%.1f %@", x, units[i])
    }
}
