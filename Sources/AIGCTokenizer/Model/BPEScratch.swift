/// Reusable buffers for merging one piece; one per encoding thread, so the inner loop does not allocate.
public final class BPEScratch {
    var starts: [Int32] = []
    var ranks: [UInt32] = []
    // Linked-list merge (long pieces and the HF rule).
    var ids: [UInt32] = []
    var ends: [Int32] = []
    var next: [Int32] = []
    var prev: [Int32] = []
    var pairRank: [UInt32] = []
    var pairResult: [UInt32] = []
    var heap: [UInt64] = []

    public init() {}
}
