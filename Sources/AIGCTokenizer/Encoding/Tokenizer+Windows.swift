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
        try file.forEachWindow(window: window, cut: { TextChunker.lastSafeCut($0) }) { offset, part in
            try check(offset, part)
            try encodeOrdinary(bytes: part, emit: emit)
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
