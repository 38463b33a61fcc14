import AIGCCore
import Foundation

/// NumPy `.npy` arrays (format version 1.0 written; 1.0, 2.0 and 3.0 read), little-endian, C order. The header is
/// the magic `\x93NUMPY`, the version, a little-endian header length, and a Python dict literal padded with
/// spaces and a newline so the data starts at a multiple of 64 bytes — byte-for-byte what `numpy.save` writes.
public struct NpyArray: Sendable, Equatable {
    public let dtype: TensorDType
    public let shape: [Int]
    /// Raw little-endian element bytes, C order.
    public let bytes: [UInt8]

    public var elementCount: Int { bytes.count / dtype.size }

    public init(dtype: TensorDType, shape: [Int], bytes: [UInt8]) throws {
        guard dtype.npyDescr != nil else { throw AIGCError.unsupported("npy: numpy has no dtype for \(dtype.rawValue)") }
        guard let n = tensorElementCount(shape), n.multipliedReportingOverflow(by: dtype.size) == (bytes.count, false) else {
            throw AIGCError.usage("npy: shape \(shape) × \(dtype.rawValue) does not match \(bytes.count) bytes")
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    public init(floats: [Float], shape: [Int]) throws {
        try self.init(dtype: .f32, shape: shape, bytes: floats.withUnsafeBytes { Array($0) })
    }

    public init(int32s: [Int32], shape: [Int]) throws {
        try self.init(dtype: .i32, shape: shape, bytes: int32s.withUnsafeBytes { Array($0) })
    }

    public init(int64s: [Int64], shape: [Int]) throws {
        try self.init(dtype: .i64, shape: shape, bytes: int64s.withUnsafeBytes { Array($0) })
    }

    public init(uint32s: [UInt32], shape: [Int]) throws {
        try self.init(dtype: .u32, shape: shape, bytes: uint32s.withUnsafeBytes { Array($0) })
    }

    public init(uint16s: [UInt16], shape: [Int]) throws {
        try self.init(dtype: .u16, shape: shape, bytes: uint16s.withUnsafeBytes { Array($0) })
    }

    public init(uint8s: [UInt8], shape: [Int]) throws {
        try self.init(dtype: .u8, shape: shape, bytes: uint8s)
    }

    public func floats() throws -> [Float] {
        try bytes.withUnsafeBytes { try TensorConversion.floats($0, dtype: dtype, count: elementCount, what: "npy array") }
    }

    public func int32s() throws -> [Int32] {
        try bytes.withUnsafeBytes { try TensorConversion.int32s($0, dtype: dtype, count: elementCount, what: "npy array") }
    }

    public func int64s() throws -> [Int64] {
        try bytes.withUnsafeBytes { try TensorConversion.int64s($0, dtype: dtype, count: elementCount, what: "npy array") }
    }
}
