/// A streaming distribution of non-negative integers (lengths, counts) in bounded memory: exact counts for values
/// below 1024, and 128 log-spaced buckets per power of two above (relative error under 0.8%). Percentiles are
/// therefore exact for small values and "exact enough" for large ones; `max`, `min`, `count` and `sum` are exact.
/// Merging two distributions gives the same result as feeding all values to one, in any order, so per-thread
/// distributions merge deterministically.
public struct Distribution: Sendable, Equatable {
    static let exactLimit: UInt64 = 1024
    static let subBits = 7 // 128 sub-buckets per octave
    static let exactBits = 10

    /// Counts for values 0..<1024 (index = value).
    var exact: [UInt64]
    /// Log buckets, created on first use: index = (octave - 10) * 128 + sub.
    var log: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var sum: UInt64 = 0
    public private(set) var max: UInt64 = 0
    public private(set) var min: UInt64 = .max

    public init() {
        exact = [UInt64](repeating: 0, count: Int(Self.exactLimit))
        log = []
    }

    @inline(__always)
    public mutating func add(_ v: Int) { add(UInt64(Swift.max(v, 0))) }

    @inline(__always)
    public mutating func add(_ v: UInt64) {
        count &+= 1
        sum &+= v
        if v > max { max = v }
        if v < min { min = v }
        if v < Self.exactLimit {
            exact[Int(v)] &+= 1
            return
        }
        let i = Self.logIndex(v)
        if i >= log.count { log.append(contentsOf: repeatElement(0, count: i + 1 - log.count)) }
        log[i] &+= 1
    }

    @inline(__always)
    static func logIndex(_ v: UInt64) -> Int {
        let octave = 63 - v.leadingZeroBitCount // >= 10
        let sub = Int((v >> UInt64(octave - subBits)) & ((1 << UInt64(subBits)) - 1))
        return (octave - exactBits) << subBits | sub
    }

    /// The smallest value of log bucket `i`.
    static func logLowerBound(_ i: Int) -> UInt64 {
        let octave = (i >> subBits) + exactBits
        let sub = UInt64(i & ((1 << subBits) - 1))
        return (1 << UInt64(octave)) | (sub << UInt64(octave - subBits))
    }

    /// The largest value of log bucket `i`.
    static func logUpperBound(_ i: Int) -> UInt64 {
        let octave = (i >> subBits) + exactBits
        return logLowerBound(i) + (UInt64(1) << UInt64(octave - subBits)) - 1
    }

    public mutating func merge(_ o: Distribution) {
        for i in 0..<exact.count { exact[i] &+= o.exact[i] }
        if o.log.count > log.count { log.append(contentsOf: repeatElement(0, count: o.log.count - log.count)) }
        for i in 0..<o.log.count { log[i] &+= o.log[i] }
        count &+= o.count
        sum &+= o.sum
        if o.max > max { max = o.max }
        if o.min < min { min = o.min }
    }

    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    /// Nearest-rank percentile: the smallest value `v` with at least `ceil(p/100 · count)` values `<= v`. Exact
    /// below 1024; above, the upper bound of the bucket holding it (never more than `max`). 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(UInt64(1), UInt64((p / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for v in 0..<exact.count {
            seen &+= exact[v]
            if seen >= rank { return UInt64(v) }
        }
        for i in 0..<log.count {
            seen &+= log[i]
            if seen >= rank { return Swift.min(Self.logUpperBound(i), max) }
        }
        return max
    }

    /// Number of values strictly greater than `t` (exact when `t` < 1024 or on a bucket edge; else an upper bound).
    public func countAbove(_ t: UInt64) -> UInt64 {
        var n: UInt64 = 0
        if t < Self.exactLimit {
            for v in Int(t + 1)..<exact.count { n &+= exact[v] }
            for c in log { n &+= c }
            return n
        }
        for i in 0..<log.count where Self.logUpperBound(i) > t { n &+= log[i] }
        return n
    }

    /// `bins` equal-width bins over [min, max], for charts (values in a log bucket are placed at its lower bound).
    public func histogram(bins: Int = 30) -> [HistogramBin] {
        guard count > 0 else { return [] }
        let lo = min, hi = max
        let span = hi - lo + 1
        let nb = Int(Swift.min(UInt64(Swift.max(bins, 1)), span))
        let width = (span + UInt64(nb) - 1) / UInt64(nb)
        var out = (0..<nb).map { k in
            HistogramBin(lower: lo + UInt64(k) * width, upper: Swift.min(lo + UInt64(k + 1) * width - 1, hi), count: 0)
        }
        func place(_ v: UInt64, _ c: UInt64) {
            guard c > 0 else { return }
            let k = Swift.min(Int((Swift.max(v, lo) - lo) / width), nb - 1)
            out[k].count &+= c
        }
        for v in 0..<exact.count where exact[v] > 0 { place(UInt64(v), exact[v]) }
        for i in 0..<log.count where log[i] > 0 { place(Swift.max(Self.logLowerBound(i), lo), log[i]) }
        while let last = out.last, last.count == 0, out.count > 1 { out.removeLast() }
        return out
    }

    /// The report form: percentiles and a histogram.
    public func summary(bins: Int = 30) -> DistributionSummary {
        DistributionSummary(count: count, sum: sum, min: count == 0 ? 0 : min, max: max, mean: mean,
                            p50: percentile(50), p90: percentile(90), p99: percentile(99),
                            histogram: histogram(bins: bins))
    }
}
