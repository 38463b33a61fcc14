import AIGCCore

/// Element types shared by the tensor file formats (safetensors, .npy). All multi-byte types are stored
/// little-endian, which is also this toolkit's host byte order (x86-64, arm64), so raw bytes are copied as-is.
public enum TensorDType: String, Sendable, CaseIterable, Equatable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool: return 1
        }
    }

    /// The safetensors header name (`"F32"`, …).
    public var safetensorsName: String { rawValue }

    public init?(safetensorsName: String) { self.init(rawValue: safetensorsName) }

    /// The numpy `descr` string (`"<f4"`, `"|u1"`, …); nil for bf16, which numpy has no type for.
    public var npyDescr: String? {
        switch self {
        case .f64: return "<f8"
        case .f32: return "<f4"
        case .f16: return "<f2"
        case .bf16: return nil
        case .i64: return "<i8"
        case .i32: return "<i4"
        case .i16: return "<i2"
        case .i8: return "|i1"
        case .u64: return "<u8"
        case .u32: return "<u4"
        case .u16: return "<u2"
        case .u8: return "|u1"
        case .bool: return "|b1"
        }
    }

    /// Parses a numpy `descr`; accepts `<` and `|` (and `=`, native, which is little-endian here) byte orders.
    /// Big-endian (`>`) arrays are not supported and give nil.
    public init?(npyDescr: String) {
        var d = Substring(npyDescr)
        if let f = d.first, f == "<" || f == "|" || f == "=" { d = d.dropFirst() } else if d.first == ">" {
            // One-byte types have no byte order; numpy writes them with "|", but accept ">" too.
            guard d == ">u1" || d == ">i1" || d == ">b1" else { return nil }
            d = d.dropFirst()
        }
        switch d {
        case "f8": self = .f64
        case "f4": self = .f32
        case "f2": self = .f16
        case "i8": self = .i64
        case "i4": self = .i32
        case "i2": self = .i16
        case "i1": self = .i8
        case "u8": self = .u64
        case "u4": self = .u32
        case "u2": self = .u16
        case "u1": self = .u8
        case "b1": self = .bool
        default: return nil
        }
        if size > 1 && npyDescr.first == "|" { return nil }
    }

    public var isFloatingPoint: Bool { self == .f64 || self == .f32 || self == .f16 || self == .bf16 }
}

/// Element count of a shape, or nil if a dimension is negative or the product overflows.
@inlinable
public func tensorElementCount(_ shape: [Int]) -> Int? {
    var n = 1
    for d in shape {
        guard d >= 0 else { return nil }
        let (p, o) = n.multipliedReportingOverflow(by: d)
        if o { return nil }
        n = p
    }
    return n
}
