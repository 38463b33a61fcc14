/// The open run of one scalar while `TextScanner` walks a text, and how it updates the scan's longest run (the
/// first run of the greatest length wins).
struct LongestRun {
    var scalar: UInt32 = 0xFFFF_FFFF
    var length = 0
    var start = 0

    /// Extends the open run with `s` at byte offset `i`, or closes it (recorded when longest) and opens a new one.
    @inline(__always) mutating func add(_ s: UInt32, at i: Int, _ r: inout TextScan) {
        if s == scalar {
            length &+= 1
        } else {
            close(&r)
            scalar = s; length = 1; start = i
        }
    }

    /// Records the open run in `r` when it is longer than the longest so far.
    @inline(__always) func close(_ r: inout TextScan) {
        if length > r.longestRun { r.longestRun = length; r.longestRunOffset = start; r.longestRunScalar = scalar }
    }
}
