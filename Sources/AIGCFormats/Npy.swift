import AIGCCore
import Foundation

/// Reading and writing `.npy` files.
public enum Npy {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// The v1.0 header for an array (callers that stream large arrays write this, then the raw data).
    public static func header(dtype: TensorDType, shape: [Int]) throws -> [UInt8] {
        guard let descr = dtype.npyDescr else { throw AIGCError.unsupported("npy: numpy has no dtype for \(dtype.rawValue)") }
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        // magic(6) + version(2) + length(2) + dict + padding + '\n' ≡ 0 (mod 64)
        let unpadded = 10 + dict.count + 1
        let pad = (64 - unpadded % 64) % 64
        dict.append(contentsOf: repeatElement(0x20, count: pad))
        dict.append(0x0A)
        guard dict.count <= Int(UInt16.max) else { throw AIGCError.unsupported("npy: header too long for format 1.0") }
        var out = magic + [1, 0]
        out.append(UInt8(dict.count & 0xff)); out.append(UInt8(dict.count >> 8))
        out.append(contentsOf: dict)
        return out
    }

    public static func serialize(_ a: NpyArray) throws -> [UInt8] {
        try header(dtype: a.dtype, shape: a.shape) + a.bytes
    }

    /// Writes atomically.
    public static func write(_ a: NpyArray, to url: URL) throws {
        let w = try AtomicFileWriter(url: url)
        try w.write(try header(dtype: a.dtype, shape: a.shape))
        try w.write(a.bytes)
        try w.commit()
    }

    public static func read(contentsOf url: URL) throws -> NpyArray {
        try parse(Array(try FileContents.read(url)), path: url.path)
    }

    /// Parses and validates a whole `.npy` file: magic, version, header length within the file, a dict with
    /// exactly `descr`/`fortran_order`/`shape`, a supported little-endian dtype, C order, and a data size equal to
    /// the shape's element count × dtype size.
    public static func parse(_ b: [UInt8], path: String = "<memory>") throws -> NpyArray {
        func fail(_ at: Int, _ m: String) -> AIGCError { .input(location: "\(path): byte \(at)", message: m) }
        guard b.count >= 10, Array(b[0..<6]) == magic else { throw fail(0, "not a .npy file (missing \\x93NUMPY magic)") }
        let major = b[6]
        let headerLen: Int, start: Int
        switch major {
        case 1:
            headerLen = Int(b[8]) | Int(b[9]) << 8; start = 10
        case 2, 3:
            guard b.count >= 12 else { throw fail(8, "truncated header length") }
            headerLen = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24; start = 12
        default:
            throw fail(6, "unsupported .npy format version \(major).\(b[7])")
        }
        guard headerLen <= b.count - start else {
            throw fail(8, "header length \(headerLen) exceeds the \(b.count - start) bytes that follow")
        }
        guard let text = String(bytes: b[start ..< start + headerLen], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail(start, "header is not text")
        }
        let dict = try NpyHeaderParser.parse(text) { fail(start, $0) }
        guard let descr = dict.descr else { throw fail(start, "header has no 'descr'") }
        guard let dtype = TensorDType(npyDescr: descr) else {
            throw AIGCError.unsupported("\(path): unsupported dtype '\(descr)' (little-endian f2/f4/f8, i1–i8, u1–u8, b1 are supported)")
        }
        guard let fortran = dict.fortranOrder else { throw fail(start, "header has no 'fortran_order'") }
        guard let shape = dict.shape else { throw fail(start, "header has no 'shape'") }
        let dataStart = start + headerLen
        guard let n = tensorElementCount(shape), case let (size, false) = n.multipliedReportingOverflow(by: dtype.size) else {
            throw fail(start, "shape \(shape) is invalid")
        }
        guard size == b.count - dataStart else {
            throw fail(dataStart, "shape \(shape) × \(descr) needs \(size) data bytes but the file has \(b.count - dataStart)")
        }
        if fortran && shape.count > 1 {
            throw AIGCError.unsupported("\(path): Fortran-order arrays are not supported (save with np.ascontiguousarray)")
        }
        return try NpyArray(dtype: dtype, shape: shape, bytes: Array(b[dataStart...]))
    }
}
