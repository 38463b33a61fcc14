import CKernels
import Foundation

/// The CPU this process runs on, from `cpuid` (empty strings and no features on a non-x86 CPU).
public struct CPUInfo: Sendable, Equatable {
    public var vendor: String
    /// The brand string (`AMD EPYC 9B14`, `Intel(R) Xeon(R) Platinum 8581C CPU @ 2.10GHz`; a virtual machine may
    /// shorten it).
    public var brand: String
    public var family: Int
    public var model: Int
    public var stepping: Int
    public var features: CPUFeatures

    public init(vendor: String, brand: String, family: Int, model: Int, stepping: Int, features: CPUFeatures) {
        self.vendor = vendor; self.brand = brand; self.family = family; self.model = model; self.stepping = stepping
        self.features = features
    }

    public static let current: CPUInfo = {
        var info = ck_cpu_info()
        ck_cpu_identify(&info)
        // cpuid strings are ASCII padded with spaces: trimmed byte-wise (Foundation's `trimmingCharacters` loaded
        // its character sets for ~0.4 ms of every command's start-up).
        func string<T>(_ tuple: T) -> String {
            withUnsafeBytes(of: tuple) { raw in
                let bytes = raw.prefix { $0 != 0 }
                let isBlank = { (b: UInt8) in b == 0x20 || b == 0x09 }
                guard let first = bytes.firstIndex(where: { !isBlank($0) }),
                      let last = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
                return String(decoding: bytes[first...last], as: UTF8.self)
            }
        }
        return CPUInfo(vendor: string(info.vendor), brand: string(info.brand), family: Int(info.family), model: Int(info.model),
                       stepping: Int(info.stepping), features: CPUFeatures(rawValue: info.features))
    }()

    /// One line: brand, vendor, family and model numbers, the widest vector features.
    public var summary: String {
        let name = brand.isEmpty ? (vendor.isEmpty ? "unknown CPU" : vendor) : brand
        if vendor.isEmpty { return name }
        let widest = features.contains(.avx512f) ? "AVX-512" + (features.contains(.avx512bf16) ? " with BF16" : "")
            : features.contains(.avx2) ? "AVX2" : features.contains(.avx) ? "AVX" : "SSE"
        return "\(name) (\(vendor) family \(family) model \(model), \(widest))"
    }
}
