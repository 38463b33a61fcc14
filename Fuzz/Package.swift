// swift-tools-version: 6.0
// libFuzzer targets for the toolkit's loaders (their own package, so the main build never compiles them).
// One binary, the target chosen by AIGC_FUZZ_TARGET; built with coverage and the address sanitizer:
//   Scripts/fuzz.sh TARGET SECONDS        (builds with the right flags, runs it, reports executions and coverage)
import PackageDescription

let package = Package(
    name: "AIGCFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "AIGC", path: "..")],
    targets: [
        .executableTarget(
            name: "aigc-fuzz",
            dependencies: [.product(name: "AIGCFuzzTargets", package: "AIGC")],
            // libFuzzer supplies `main`: the module has no top-level code.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
