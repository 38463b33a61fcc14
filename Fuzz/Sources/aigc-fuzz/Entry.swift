import AIGC
import AIGCFuzzTargets
import Foundation

/// libFuzzer's entry point: runs the target named by `AIGC_FUZZ_TARGET` on one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntry.target(Data(bytes: data, count: size))
    return 0
}

enum FuzzEntry {
    static let target: @Sendable (Data) -> Bool = {
        let name = ProcessInfo.processInfo.environment["AIGC_FUZZ_TARGET"] ?? ""
        guard let t = FuzzTargets.all[name] else {
            let known = FuzzTargets.all.keys.sorted().joined(separator: ", ")
            logStderr("aigc-fuzz: set AIGC_FUZZ_TARGET to one of: \(known)")
            exit(2)
        }
        return t
    }()
}
