/// The numbering of the 256 byte tokens that every trained vocabulary starts with.
///
/// GPT-2 maps each byte to a printable code point (`bytes_to_unicode`): the printable Latin-1 bytes map to
/// themselves and the other 68 bytes to U+0100…U+0143 in byte order. HF's `BpeTrainer` with
/// `initial_alphabet=ByteLevel.alphabet()` numbers its alphabet by sorting those code points, and tiktoken's
/// files give the same order to their first 256 ranks. Using the same ids matters beyond cosmetics: BPE ties are
/// broken by the smaller (left id, right id), so a different numbering would learn different merges.
package enum TrainingByteOrder {
    /// `idOfByte[b]` is the token id (0…255) of byte `b`.
    package static let idOfByte: [UInt32] = {
        var ids = [UInt32](repeating: 0, count: 256)
        for (id, b) in byteOfID.enumerated() { ids[Int(b)] = UInt32(id) }
        return ids
    }()

    /// `byteOfID[id]` is the byte of token id `id` (0…255).
    package static let byteOfID: [UInt8] = {
        let printable = (0..<256).filter(isPrintable)
        let others = (0..<256).filter { !isPrintable($0) }
        return (printable + others).map { UInt8($0) }
    }()

    /// GPT-2's code point for byte `b` (what HF's `ByteLevel` shows in `tokenizer.json`).
    package static let codePointOfByte: [UInt32] = {
        var cps = [UInt32](repeating: 0, count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            if isPrintable(b) { cps[b] = UInt32(b) } else { cps[b] = 256 + n; n += 1 }
        }
        return cps
    }()

    @inline(__always)
    static func isPrintable(_ b: Int) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    /// The GPT-2 printable form of a byte string, as HF writes tokens in `tokenizer.json`.
    package static func printable(_ bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(codePointOfByte[Int(b)])!) }
        return String(s)
    }
}
