import AIGCCore
import Foundation

/// One tensor's entry in a safetensors header.
public struct SafeTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: TensorDType
    public let shape: [Int]
    /// Byte range within the data section (after the header), as in the header's `data_offsets`.
    public let dataOffsets: Range<Int>
    public var elementCount: Int { dataOffsets.count / dtype.size }
}

/// A validated safetensors file. Opening it checks the whole header before any tensor is read: the 8-byte
/// length lies within the file, the header is a JSON object, every entry has a known dtype, a non-negative shape
/// whose element count × dtype size equals its `data_offsets` span, offsets inside the data section, and no two
/// tensors overlap. Every failure is an `AIGCError.input` naming the file and the byte offset or tensor.
/// The file is memory-mapped, so opening a large file reads only its header.
public struct SafeTensorsFile: @unchecked Sendable {
    public let path: String
    public let metadata: [String: String]
    /// Tensors in file (offset) order.
    public let tensors: [SafeTensorInfo]
    private let index: [String: Int]
    private let data: Data
    private let dataStart: Int

    public init(contentsOf url: URL) throws {
        try self.init(data: try FileContents.read(url, options: .alwaysMapped), path: url.path)
    }

    public init(data: Data, path: String = "<memory>") throws {
        self.path = path
        self.data = data
        let size = data.count
        func fail(_ where_: String, _ m: String) -> AIGCError { .input(location: "\(path): \(where_)", message: m) }
        guard size >= 8 else { throw fail("byte 0", "file is \(size) bytes, shorter than the 8-byte header length") }
        let headerLen: UInt64 = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian }
        guard headerLen <= UInt64(size - 8) else {
            throw fail("byte 0", "header length \(headerLen) exceeds the \(size - 8) bytes after the length prefix")
        }
        guard headerLen >= 2 else { throw fail("byte 8", "header of \(headerLen) bytes cannot be a JSON object") }
        let hl = Int(headerLen)
        let headerData = data.subdata(in: data.startIndex + 8 ..< data.startIndex + 8 + hl)
        guard headerData.first == UInt8(ascii: "{") else {
            throw fail("byte 8", "header does not start with '{'")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: headerData, options: [])
        } catch {
            throw fail("bytes 8..<\(8 + hl)", "header is not valid JSON (\(error.localizedDescription))")
        }
        guard let object = parsed as? [String: Any] else { throw fail("byte 8", "header is not a JSON object") }
        dataStart = 8 + hl
        let dataSize = size - dataStart
        var meta: [String: String] = [:]
        var infos: [SafeTensorInfo] = []
        infos.reserveCapacity(object.count)
        for (name, value) in object {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw fail("header", "__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw fail("header", "__metadata__[\(k)] is not a string") }
                    meta[k] = s
                }
                continue
            }
            let what = "tensor '\(name)'"
            guard let entry = value as? [String: Any] else { throw fail(what, "entry is not an object") }
            guard let dtypeName = entry["dtype"] as? String else { throw fail(what, "missing string 'dtype'") }
            guard let dtype = TensorDType(safetensorsName: dtypeName) else { throw fail(what, "unknown dtype '\(dtypeName)'") }
            guard let shapeAny = entry["shape"] as? [Any] else { throw fail(what, "missing array 'shape'") }
            let shape = try shapeAny.map { v -> Int in
                guard let n = Self.jsonInt(v), n >= 0 else { throw fail(what, "shape \(shapeAny) has a non-integer or negative dimension") }
                return n
            }
            guard let offs = entry["data_offsets"] as? [Any], offs.count == 2,
                  let begin = Self.jsonInt(offs[0]), let end = Self.jsonInt(offs[1]) else {
                throw fail(what, "'data_offsets' must be two integers")
            }
            guard begin >= 0, begin <= end else { throw fail(what, "data_offsets [\(begin), \(end)] are not an increasing pair") }
            guard end <= dataSize else {
                throw fail(what, "data_offsets [\(begin), \(end)] exceed the data section of \(dataSize) bytes (file byte \(dataStart + end) > \(size))")
            }
            guard let count = tensorElementCount(shape), count.multipliedReportingOverflow(by: dtype.size) == (end - begin, false) else {
                throw fail(what, "shape \(shape) × \(dtype.rawValue) (\(dtype.size) bytes) does not match data_offsets span \(end - begin)")
            }
            infos.append(SafeTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin ..< end))
        }
        infos.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
        for i in infos.indices.dropFirst() {
            let a = infos[i - 1], b = infos[i]
            if b.dataOffsets.lowerBound < a.dataOffsets.upperBound && !a.dataOffsets.isEmpty && !b.dataOffsets.isEmpty {
                throw fail("tensor '\(b.name)'", "data_offsets [\(b.dataOffsets.lowerBound), \(b.dataOffsets.upperBound)] overlap tensor '\(a.name)' [\(a.dataOffsets.lowerBound), \(a.dataOffsets.upperBound)]")
            }
        }
        metadata = meta
        tensors = infos
        var idx: [String: Int] = [:]
        for (i, t) in infos.enumerated() { idx[t.name] = i }
        index = idx
    }

    /// An integer from a JSONSerialization value; rejects fractions and strings.
    private static func jsonInt(_ v: Any) -> Int? {
        if let i = v as? Int { return i }
        if let d = v as? Double, d.rounded() == d, abs(d) < 9e15 { return Int(d) }
        return nil
    }

    public var names: [String] { tensors.map(\.name) }
    public func contains(_ name: String) -> Bool { index[name] != nil }

    public func info(_ name: String) throws -> SafeTensorInfo {
        guard let i = index[name] else { throw AIGCError.input(location: path, message: "no tensor named '\(name)'") }
        return tensors[i]
    }

    public func shape(_ name: String) throws -> [Int] { try info(name).shape }
    public func dtype(_ name: String) throws -> TensorDType { try info(name).dtype }

    /// Runs `body` over the tensor's raw bytes (no copy; the pointer is valid only inside `body`).
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer, SafeTensorInfo) throws -> R) throws -> R {
        let t = try info(name)
        return try data.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[(dataStart + t.dataOffsets.lowerBound) ..< (dataStart + t.dataOffsets.upperBound)]), t)
        }
    }

    /// The tensor's raw little-endian bytes.
    public func bytes(_ name: String) throws -> [UInt8] { try withRawBytes(name) { raw, _ in Array(raw) } }

    /// Float values: F32 as stored; F16, BF16 and F64 converted. Integer tensors are an error.
    public func floats(_ name: String) throws -> [Float] {
        try withRawBytes(name) { raw, t in
            try TensorConversion.floats(raw, dtype: t.dtype, count: t.elementCount, what: "\(path): tensor '\(name)'")
        }
    }

    /// Int32 values of any integer tensor; an error names the first element that does not fit.
    public func int32s(_ name: String) throws -> [Int32] {
        try withRawBytes(name) { raw, t in
            try TensorConversion.int32s(raw, dtype: t.dtype, count: t.elementCount, what: "\(path): tensor '\(name)'")
        }
    }

    /// Int64 values of any integer tensor.
    public func int64s(_ name: String) throws -> [Int64] {
        try withRawBytes(name) { raw, t in
            try TensorConversion.int64s(raw, dtype: t.dtype, count: t.elementCount, what: "\(path): tensor '\(name)'")
        }
    }
}
