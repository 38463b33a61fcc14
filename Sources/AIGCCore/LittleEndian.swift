/// Little-endian integers inside byte arrays: the fixed headers and footers of the toolkit's own binary files
/// (dedup key files, dedup partition files).
package enum LittleEndian {
    /// The `T` stored little-endian at `bytes[offset...]` (the caller has checked the length).
    package static func load<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type = T.self) -> T {
        bytes[offset..<(offset + MemoryLayout<T>.size)].reversed().reduce(T.zero) { $0 << 8 | T($1) }
    }
}
