/// A distribution in the report: exact count/sum/min/max, mean, nearest-rank percentiles and a histogram.
public struct DistributionSummary: Codable, Sendable, Equatable {
    public var count: UInt64
    public var sum: UInt64
    public var min: UInt64
    public var max: UInt64
    public var mean: Double
    public var p50: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var histogram: [HistogramBin]
}

/// One histogram bar: values in `lower...upper` (inclusive) and how many there are.
public struct HistogramBin: Codable, Sendable, Equatable {
    public var lower: UInt64
    public var upper: UInt64
    public var count: UInt64
}
