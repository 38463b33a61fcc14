import AIGCCore
import AIGCFormats
import Foundation

/// Real examples for the classic GAN: `count` vectors of `dim` floats in [0, 1] (the generator's sigmoid
/// range), row-major. Loaded from a `.npy` array or a safetensors tensor of shape `[n, d]` (or `[n]`, read as
/// `[n, 1]`), any floating dtype; every value is checked, and a bad one is reported with its row and column.
public struct GANDataset: Sendable {
    public let count: Int
    public let dim: Int
    public let values: [Float]

    public init(values: [Float], count: Int, dim: Int, source: String = "<memory>") throws {
        guard count >= 1, dim >= 1, values.count == count * dim else {
            throw AIGCError.input(location: source, message: "expected a non-empty [n, d] array, got \(values.count) values for [\(count), \(dim)]")
        }
        for (i, v) in values.enumerated() where !(v >= 0 && v <= 1) {
            throw AIGCError.input(location: source, message: "value \(v) at row \(i / dim), column \(i % dim) is outside [0, 1] (the generator's sigmoid range; rescale the data)")
        }
        self.values = values
        self.count = count
        self.dim = dim
    }

    /// Loads `FILE.npy` or `FILE.safetensors` (chosen by the file's magic bytes, not its name). For safetensors,
    /// `tensor` names the tensor; without it the file must hold exactly one.
    public static func load(_ url: URL, tensor: String? = nil) throws -> GANDataset {
        let head: [UInt8]
        do {
            let h = try FileHandle(forReadingFrom: url)
            defer { try? h.close() }
            head = Array(try h.read(upToCount: 6) ?? Data())
        } catch {
            throw AIGCError.io("\(url.path): cannot read (\(error.localizedDescription))")
        }
        let shape: [Int], floats: [Float]
        if head == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] {
            let a = try Npy.read(contentsOf: url)
            guard a.dtype.isFloatingPoint else {
                throw AIGCError.input(location: url.path, message: "expected a floating-point array, found \(a.dtype.rawValue)")
            }
            shape = a.shape
            floats = try a.floats()
        } else {
            let f = try SafeTensorsFile(contentsOf: url)
            let name: String
            if let tensor { name = tensor } else {
                guard f.tensors.count == 1, let only = f.tensors.first else {
                    throw AIGCError.usage("\(url.path): holds \(f.tensors.count) tensors (\(f.names.joined(separator: ", "))); choose one with GANDataset.load(tensor:)")
                }
                name = only.name
            }
            let info = try f.info(name)
            guard info.dtype.isFloatingPoint else {
                throw AIGCError.input(location: "\(url.path): tensor '\(name)'", message: "expected a floating-point tensor, found \(info.dtype.rawValue)")
            }
            shape = info.shape
            floats = try f.floats(name)
        }
        switch shape.count {
        case 1: return try GANDataset(values: floats, count: shape[0], dim: 1, source: url.path)
        case 2: return try GANDataset(values: floats, count: shape[0], dim: shape[1], source: url.path)
        default:
            throw AIGCError.input(location: url.path, message: "expected shape [n, d] or [n], found \(shape)")
        }
    }

    /// Per-dimension mean and (population) standard deviation of row-major `[n, dim]` values.
    public static func moments(_ values: [Float], dim: Int) -> (mean: [Double], std: [Double]) {
        let n = values.count / dim
        var mean = [Double](repeating: 0, count: dim), sq = [Double](repeating: 0, count: dim)
        guard n > 0 else { return (mean, sq) }
        for r in 0..<n { for j in 0..<dim { mean[j] += Double(values[r * dim + j]) } }
        for j in 0..<dim { mean[j] /= Double(n) }
        for r in 0..<n { for j in 0..<dim { let d = Double(values[r * dim + j]) - mean[j]; sq[j] += d * d } }
        return (mean, sq.map { ($0 / Double(n)).squareRoot() })
    }
}
