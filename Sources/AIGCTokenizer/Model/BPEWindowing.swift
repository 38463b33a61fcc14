/// Sizes for encoding giant pieces window by window (`BPEModel.mergeWindows`).
struct BPEWindowing: Sendable {
    /// Pieces longer than this are encoded window by window; `Int.max` when the model cannot (a byte without a
    /// token breaks the offset arithmetic: token lengths must tile the text).
    let threshold: Int
    /// Bytes merged at once.
    let size: Int
    /// Tokens ending in the last `margin` bytes of a window are merged again with the next window (the end of a
    /// window sees no right context, so its last tokens may differ from the whole piece's).
    let margin: Int

    /// Windows of 64 KiB with a 4 KiB margin (at least four times the longest token), for pieces over 128 KiB.
    init(maxTokenLength: Int, everyByteHasToken: Bool) {
        let m = max(1 << 12, 4 * max(1, maxTokenLength))
        self.init(maxTokenLength: maxTokenLength, everyByteHasToken: everyByteHasToken, size: max(1 << 16, 4 * m), margin: m)
    }

    /// Given sizes (tests use small windows and margins down to 0, so that seams fail and are moved back). The
    /// window holds the margin and one longest token, so every window keeps a token.
    init(maxTokenLength: Int, everyByteHasToken: Bool, size: Int, margin: Int) {
        self.margin = max(0, margin)
        self.size = max(size, self.margin + max(1, maxTokenLength), 2 * self.margin)
        threshold = everyByteHasToken ? 2 * self.size : Int.max
    }
}
