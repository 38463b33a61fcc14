// swift-tools-version: 6.0
// In-process micro-benchmarks (their own package, so the main build and CI never compile them).
//   cd Benchmarks/Micro && swift run -c release tokenizer-micro o200k_base FILE [REPEATS]
import PackageDescription

let package = Package(
    name: "AIGCMicroBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "AIGC", path: "../..")],
    targets: [
        .executableTarget(
            name: "tokenizer-micro",
            dependencies: [.product(name: "AIGC", package: "AIGC")],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
    ]
)
