import AIGCCore
import Foundation

/// Writes the safetensors format (an 8-byte little-endian header length, a JSON header, then the raw tensor
/// bytes back to back). Tensors are laid out contiguously in the order they were added, and the header is
/// padded with spaces to a multiple of 8 bytes so every tensor starts 8-byte aligned in the file (what the
/// reference implementation does); the output is a pure function of the added tensors, so files are
/// byte-reproducible. Files are written atomically.
public struct SafeTensorsWriter: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let dtype: TensorDType
        public let shape: [Int]
        public let bytes: [UInt8]
    }

    /// Free-form string metadata stored under `__metadata__` (written with keys sorted).
    public var metadata: [String: String]
    public private(set) var entries: [Entry] = []
    private var names: Set<String> = []

    public init(metadata: [String: String] = [:]) { self.metadata = metadata }

    /// Adds a tensor from raw little-endian bytes; `bytes.count` must be `shape.product × dtype.size`.
    public mutating func add(_ name: String, dtype: TensorDType, shape: [Int], bytes: [UInt8]) throws {
        guard !name.isEmpty, name != "__metadata__" else {
            throw AIGCError.usage("safetensors: invalid tensor name '\(name)'")
        }
        guard !names.contains(name) else { throw AIGCError.usage("safetensors: duplicate tensor name '\(name)'") }
        guard let n = tensorElementCount(shape), n.multipliedReportingOverflow(by: dtype.size) == (bytes.count, false) else {
            throw AIGCError.usage("safetensors: tensor '\(name)' has shape \(shape) × \(dtype.rawValue) but \(bytes.count) bytes")
        }
        names.insert(name)
        entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// Adds a tensor from a raw buffer (copied).
    public mutating func add(_ name: String, dtype: TensorDType, shape: [Int], raw: UnsafeRawBufferPointer) throws {
        try add(name, dtype: dtype, shape: shape, bytes: Array(raw))
    }

    public mutating func add(_ name: String, floats: [Float], shape: [Int]) throws {
        try floats.withUnsafeBytes { try add(name, dtype: .f32, shape: shape, raw: $0) }
    }

    /// Adds floats converted to half (F16) or bfloat16 (BF16), rounding to nearest even.
    public mutating func add(_ name: String, floats: [Float], shape: [Int], as dtype: TensorDType) throws {
        switch dtype {
        case .f32: try add(name, floats: floats, shape: shape)
        case .f16, .bf16:
            let h = floats.map { dtype == .f16 ? TensorConversion.floatToHalf($0) : TensorConversion.floatToBF16($0) }
            try h.withUnsafeBytes { try add(name, dtype: dtype, shape: shape, raw: $0) }
        default: throw AIGCError.usage("safetensors: cannot store floats as \(dtype.rawValue)")
        }
    }

    public mutating func add(_ name: String, int32s: [Int32], shape: [Int]) throws {
        try int32s.withUnsafeBytes { try add(name, dtype: .i32, shape: shape, raw: $0) }
    }

    public mutating func add(_ name: String, int64s: [Int64], shape: [Int]) throws {
        try int64s.withUnsafeBytes { try add(name, dtype: .i64, shape: shape, raw: $0) }
    }

    public mutating func add(_ name: String, uint32s: [UInt32], shape: [Int]) throws {
        try uint32s.withUnsafeBytes { try add(name, dtype: .u32, shape: shape, raw: $0) }
    }

    public mutating func add(_ name: String, uint16s: [UInt16], shape: [Int]) throws {
        try uint16s.withUnsafeBytes { try add(name, dtype: .u16, shape: shape, raw: $0) }
    }

    public mutating func add(_ name: String, uint8s: [UInt8], shape: [Int]) throws {
        try add(name, dtype: .u8, shape: shape, bytes: uint8s)
    }

    /// The 8-byte length prefix plus the padded JSON header.
    public func headerBytes() -> [UInt8] {
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            json += "\"__metadata__\":{"
            json += metadata.keys.sorted().map { JSONText.quote($0) + ":" + JSONText.quote(metadata[$0]!) }.joined(separator: ",")
            json += "}"
            first = false
        }
        var offset = 0
        for e in entries {
            if !first { json += "," }
            first = false
            let end = offset + e.bytes.count
            json += JSONText.quote(e.name) + ":{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":["
                + e.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        json += "}"
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count)
        var len = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &len) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        return out
    }

    /// The whole file in memory.
    public func serialized() -> [UInt8] {
        var out = headerBytes()
        for e in entries { out.append(contentsOf: e.bytes) }
        return out
    }

    /// Writes the file atomically (temporary sibling, then rename) and returns its SHA-256 (hex).
    @discardableResult
    public func write(to url: URL) throws -> String {
        let w = try AtomicFileWriter(url: url)
        try w.write(headerBytes())
        for e in entries { try w.write(e.bytes) }
        try w.commit()
        return w.sha256
    }
}
