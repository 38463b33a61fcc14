/// An input read window by window into one reused buffer, each window handed over up to a cut the caller chooses
/// and the rest carried into the next: the one home of "read a large file in bounded memory, cut where the format
/// allows" (`aigc encode FILE`: at a safe cut of the text, or after the last newline with `--lines`).
extension InputFile {
    /// Reads the input `window` bytes at a time and calls `body(offset, part)` for consecutive parts that together
    /// are the whole input, in order (`offset`: where the part starts). `cut(text)` gives the end of the part to
    /// hand over from the bytes read so far (the rest is carried into the next window), or nil when `text` has no
    /// place to cut: the window then grows (doubles) until one is found or the input ends. The last part is
    /// everything left at the end of the input (not given to `cut`; never empty unless the input is). Throws what
    /// the reads or `body` throw.
    public func forEachWindow(window: Int, cut: (UnsafeBufferPointer<UInt8>) -> Int?,
                              _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var capacity = max(window, 64)
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        var filled = 0, base = 0, ended = false
        while true {
            while !ended && filled < capacity {
                let n = try read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled))
                if n == 0 { ended = true } else { filled += n }
            }
            let text = UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: filled)
            let end: Int
            if ended {
                end = filled
            } else if let c = cut(text), c > 0, c <= filled {
                end = c
            } else {
                // No cut in the whole window: read on into a larger one.
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 64)
                grown.copyMemory(from: buffer, byteCount: filled)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
                continue
            }
            if end > 0 || base == 0 { try body(base, UnsafeBufferPointer(rebasing: text[..<end])) }
            if ended { return }
            buffer.copyMemory(from: buffer + end, byteCount: filled - end)  // memmove: the regions may overlap
            filled -= end
            base += end
        }
    }
}
