// swift-tools-version: 6.0
// AIGC — text and dialogue to training tensors, and a small GPT/GAN dialogue model.
// Module graph and the reason for each dependency: ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "AIGC",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "AIGC", targets: ["AIGC"]),
        // The loaders' fuzz targets: used by the libFuzzer binary in Fuzz/ and replayed by FuzzRegressionTests.
        .library(name: "AIGCFuzzTargets", targets: ["AIGCFuzzTargets"]),
        .executable(name: "aigc", targets: ["aigc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // YAML for `aigc pipeline run CONFIG.yaml` (node marks give every config error its line); only AIGCPipeline uses it.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C shims. CICU's public headers use only <stdint.h> types; only its .c files see <unicode/*.h>.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]
        ),
        // SHA-256 block compression in C (x86 SHA extensions with a portable fallback): corpus builds hash every byte.
        .target(name: "CSHA256"),
        // Small C kernels Swift cannot express as fast: MinHash lanes (SSE4.1, four per step), cache prefetch hints, the
        // serving decode step's matrix product, attention and GELU (AVX-512 chosen at run time, portable loops otherwise),
        // and serving's bf16 linear layer (AVX512-BF16, or portable loops computing the same bits).
        .target(name: "CKernels"),
        // OpenBLAS, loaded at run time by the model code (see Sources/CBLAS/include/cblas_loader.h), not linked.
        .target(name: "CBLAS", linkerSettings: [.linkedLibrary("dl")]),
        // zlib for streaming `.gz` inputs in-process (no extra package; the mirror has no gzip library besides a NIO one).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Libraries, bottom to top.
        .target(name: "AIGCCore", dependencies: ["CSHA256", "CKernels"]),
        .target(name: "AIGCText", dependencies: ["CICU", "AIGCCore"]),
        .target(name: "AIGCFormats", dependencies: ["AIGCCore"]),
        // The shipped vocabularies (Vocab/*.tiktoken) as SwiftPM resources, so named encodings load in an app that
        // depends on the package with no source checkout at hand (copied as they are: no processing, no compiling).
        .target(
            name: "AIGCVocab",
            path: "Vocab",
            exclude: ["README.md"],
            resources: [.copy("cl100k_base.tiktoken"), .copy("o200k_base.tiktoken")]
        ),
        .target(name: "AIGCTokenizer", dependencies: ["AIGCText", "AIGCCore", "AIGCVocab", "CICU", "CKernels"]),
        .target(name: "AIGCCorpus", dependencies: ["AIGCTokenizer", "AIGCText", "AIGCFormats", "AIGCCore", "CKernels", "CZlib"]),
        .target(name: "AIGCAudit", dependencies: ["AIGCCorpus", "AIGCTokenizer", "AIGCText", "AIGCFormats", "AIGCCore", "CICU", "CKernels"]),
        .target(name: "AIGCModel", dependencies: ["CBLAS", "CKernels", "AIGCFormats", "AIGCCore"]),
        .target(name: "AIGC", dependencies: ["AIGCCore", "AIGCText", "AIGCFormats", "AIGCTokenizer", "AIGCCorpus", "AIGCAudit", "AIGCModel"]),
        // Fuzz targets for the loaders (docs/reliability.md): no dependency of the tool, only of Fuzz/ and the tests.
        .target(name: "AIGCFuzzTargets", dependencies: ["AIGC", "AIGCServe"]),
        // `aigc pipeline run`: one YAML config, stages with content-hash stamps, the model registered by name.
        .target(name: "AIGCPipeline", dependencies: ["AIGC", .product(name: "Yams", package: "Yams")]),
        // The OpenAI-compatible HTTP server (`aigc serve`): routes, request decoding, SSE, metrics. Kept out of the
        // umbrella so that a Swift user of `AIGC` does not pull in the HTTP stack.
        .target(name: "AIGCServe", dependencies: [
            "AIGC",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(
            name: "aigc",
            dependencies: ["AIGC", "AIGCServe", "AIGCPipeline", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Tests.
        .testTarget(name: "AIGCCoreTests", dependencies: ["AIGCCore"]),
        .testTarget(name: "AIGCTextTests", dependencies: ["AIGCText", "CICU"]),
        .testTarget(name: "AIGCFormatsTests", dependencies: ["AIGCFormats"]),
        .testTarget(name: "AIGCModelTests", dependencies: ["AIGCModel", "AIGCFormats"]),
        .testTarget(name: "AIGCTokenizerTests", dependencies: ["AIGCTokenizer", "AIGCText", "AIGCCore"]),
        .testTarget(name: "AIGCCorpusTests", dependencies: ["AIGCCorpus", "AIGCFormats", "AIGCTokenizer"]),
        .testTarget(name: "AIGCAuditTests", dependencies: ["AIGCAudit", "AIGCCorpus", "CZlib"]),
        .testTarget(name: "AIGCStoreTests", dependencies: ["AIGC"]),
        .testTarget(name: "AIGCPipelineTests", dependencies: ["AIGCPipeline", "AIGC"]),
        .testTarget(name: "CLITests", dependencies: ["aigc", "AIGCFormats"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["AIGCFuzzTargets"]),
        .testTarget(name: "AIGCFacadeTests", dependencies: ["AIGC"]),
        .testTarget(name: "AIGCServeTests", dependencies: [
            "AIGCServe", "AIGC", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
