// Single-thread encode time of one file, in process: encodes the whole file REPEATS times, each pass with a freshly
// loaded encoding (so its caches start cold, as in one `aigc encode` run), and prints the fastest and the median
// pass. Whole-process comparisons with tiktoken are in Benchmarks/tokenizer_bench.py; this isolates the encoder
// from start-up, file reading and output, for profiling (`perf record`) and before/after comparisons.
//   cd Benchmarks/Micro && swift build -c release && .build/release/tokenizer-micro o200k_base FILE 10
import AIGC
import Foundation

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: tokenizer-micro ENCODING FILE [REPEATS]\n".utf8))
    exit(2)
}
do {
    let data = try Data(contentsOf: URL(fileURLWithPath: args[2]))
    let repeats = args.count > 3 ? max(1, Int(args[3]) ?? 10) : 10
    let bytes = [UInt8](data)
    var times: [Double] = []
    var tokens = 0
    var checksum: UInt64 = 0
    try bytes.withUnsafeBufferPointer { p in
        for _ in 0..<repeats {
            var tok = try Tokenizer.named(args[1])
            tok.threads = 1
            let t = DispatchTime.now().uptimeNanoseconds
            let ids = tok.encodeOrdinary(bytes: p)
            tokens = ids.count
            checksum = ids.reduce(UInt64(14695981039346656037)) { ($0 ^ UInt64($1)) &* 1099511628211 }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
        }
    }
    times.sort()
    let mb = Double(bytes.count) / 1e6
    print(String(format: "%@ %@: %d tokens (checksum %016llx); fastest pass %.1f ms (%.1f MB/s), median %.1f ms, %d passes",
                 args[1], (args[2] as NSString).lastPathComponent, tokens, checksum, times[0] * 1e3, mb / times[0],
                 times[times.count / 2] * 1e3, repeats))
} catch {
    FileHandle.standardError.write(Data("tokenizer-micro: \(error)\n".utf8))
    exit(1)
}
