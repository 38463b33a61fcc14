import AIGCCore
import Foundation

/// A whole file encoded window by window, so the text is never held whole (`aigc encode FILE`: 8 MiB of it at a
/// time instead of the whole file, which was about 29 of the ~77 MiB peak on a 30 MB input).
extension Tokenizer {
    /// Bytes read at a time by `encodeOrdinary(reading:…)`.
    public static let readWindow = 8 << 20

    /// Whether `encodeOrdinary(reading:…)` can cut this tokenizer's text into windows (the three known scanners
    /// without HF extras, as for parallel chunks).
    public var canEncodeInWindows: Bool { core.chunkable }

    /// `encodeOrdinary(bytes:emit:)` of everything `file` holds, read `window` bytes at a time: each window is
    /// encoded up to its last safe cut (`TextChunker.lastSafeCut`: a cut of the whole text whatever follows) and the
    /// rest is carried into the next one; a window without a safe cut (a line of letters without a space) grows
    /// until one is found or the file ends. The emitted ids are exactly those of the whole text. `check(offset,
    /// part)` sees every part before it is encoded (`offset`: where the part starts in the file) and may throw to
    /// stop. Needs `canEncodeInWindows` (else throws).
    public func encodeOrdinary(reading file: InputFile, window: Int = Tokenizer.readWindow,
                               check: (Int, UnsafeBufferPointer<UInt8>) throws -> Void,
                               emit: ([UInt32]) throws -> Void) throws {
        guard canEncodeInWindows else {
            throw AIGCError.usage("this tokenizer's pre-tokenizer cannot be cut into windows; encode the text whole")
        }
        var capacity = max(window, 64)
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        var filled = 0, base = 0, ended = false
        while true {
            while !ended && filled < capacity {
                let n = try file.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled))
                if n == 0 { ended = true } else { filled += n }
            }
            let text = UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: filled)
            let end: Int
            if ended {
                end = filled
            } else if let cut = TextChunker.lastSafeCut(text) {
                end = cut
            } else {
                // No safe cut in the whole window: read on into a larger one.
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 64)
                grown.copyMemory(from: buffer, byteCount: filled)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
                continue
            }
            let part = UnsafeBufferPointer(rebasing: text[..<end])
            try check(base, part)
            try encodeOrdinary(bytes: part, emit: emit)
            if ended { return }
            buffer.copyMemory(from: buffer + end, byteCount: filled - end)  // memmove: the regions may overlap
            filled -= end
            base += end
        }
    }

    /// Test hook: the windowed encode of a file with a given window; the concatenated ids and the parts' offsets.
    package func encodeOrdinaryReadingForTesting(path: String, window: Int) throws -> (ids: [UInt32], parts: [Int]) {
        var ids: [UInt32] = []
        var parts: [Int] = []
        try encodeOrdinary(reading: InputFile(path: path), window: window, check: { offset, _ in parts.append(offset) },
                           emit: { ids += $0 })
        return (ids, parts)
    }
}
