/// How `aigc encode` writes token ids: decimal text (ids separated by single spaces, one line per text), raw
/// little-endian `u16` / `u32`, or a 1-D `.npy` array of uint32.
public enum TokenIdFormat: String, CaseIterable, Sendable {
    case text, u16, u32, npy
}
