// swift-tools-version: 6.0
// A separate package that uses AIGC the way an app does: as a versioned dependency (`from: "1.0.0"`), never by
// path. Scripts/test-examples.sh makes a temporary bare clone of this repository, tags its commit 1.0.0 and points
// AIGC_PACKAGE_URL at it, so CI checks that the package resolves and builds as a dependency (no unsafe flags) and
// that its public API is enough for the three uses below.
import Foundation
import PackageDescription

let aigcURL = ProcessInfo.processInfo.environment["AIGC_PACKAGE_URL"] ?? "https://github.com/example/aigc.git"

let package = Package(
    name: "AIGCExamples",
    platforms: [.macOS(.v14)],
    dependencies: [.package(url: aigcURL, from: "1.0.0")],
    targets: [
        .executableTarget(name: "aigc-example", dependencies: [.product(name: "AIGC", package: "aigc")]),
    ]
)
