import Foundation
import Testing
@testable import AIGCCore

@Suite struct OutputDestinationTests {
    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-core-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func regularFilesAndNewPathsAreReplacedAtomically() throws {
        let d = try tempDir()
        let f = d.appendingPathComponent("a.txt")
        #expect(OutputDestination.resolve(f) == .atomic(f))
        try Data("x".utf8).write(to: f)
        #expect(OutputDestination.resolve(f) == .atomic(f))
    }

    @Test func specialFilesAreWrittenThrough() throws {
        #expect(OutputDestination.resolve(URL(fileURLWithPath: "/dev/null")) == .writeThrough(URL(fileURLWithPath: "/dev/null")))
        let d = try tempDir()
        let fifo = d.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect(OutputDestination.resolve(fifo) == .writeThrough(fifo))
        let dangling = d.appendingPathComponent("dangling")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: d.appendingPathComponent("nowhere").path)
        #expect(OutputDestination.resolve(dangling) == .writeThrough(dangling))
    }

    @Test func aSymlinkToARegularFileHasItsTargetReplaced() throws {
        let d = try tempDir()
        let target = d.appendingPathComponent("t.txt")
        try Data("old".utf8).write(to: target)
        let link = d.appendingPathComponent("l.txt")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        try AtomicFile.write("new", to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
    }

    @Test func writingDevNullKeepsItADevice() throws {
        let w = try AtomicFileWriter(url: URL(fileURLWithPath: "/dev/null"))
        #expect(!w.isAtomic)
        try w.write(Data(repeating: 7, count: 3 << 20))
        try w.commit()
        var st = stat()
        #expect(stat("/dev/null", &st) == 0 && st.st_mode & S_IFMT == S_IFCHR)
        #expect(w.bytesWritten == 3 << 20)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full (Linux)"))
    func aFullDiskThrowsNamingTheFile() throws {
        let w = try AtomicFileWriter(url: URL(fileURLWithPath: "/dev/full"))
        #expect {
            try w.write(Data(repeating: 1, count: 2 << 20))
            try w.commit()
        } throws: { ($0 as? AIGCError)?.description.contains("/dev/full: write failed: No space left on device") == true }
    }

    @Test func anExistingFilesPermissionsAreKept() throws {
        let d = try tempDir()
        let f = d.appendingPathComponent("p.sh")
        try Data("old".utf8).write(to: f)
        #expect(chmod(f.path, 0o751) == 0)
        try AtomicFile.write("new", to: f)
        var st = stat()
        #expect(stat(f.path, &st) == 0 && st.st_mode & 0o777 == 0o751)
    }

    @Test func aDroppedWriterLeavesNoFile() throws {
        let d = try tempDir()
        let f = d.appendingPathComponent("never.txt")
        do {
            let w = try AtomicFileWriter(url: f)
            try w.write(Data("partial".utf8))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path).isEmpty)
    }

    @Test func readingADirectoryIsRefused() throws {
        let d = try tempDir()
        #expect { try InputFile.readAll(d.path) } throws: { ($0 as? AIGCError)?.description == "\(d.path): is a directory (expected a file)" }
        let f = d.appendingPathComponent("x")
        try Data((0..<10_000_000).map { UInt8(truncatingIfNeeded: $0) }).write(to: f)
        #expect(try InputFile.readAll(f.path) == (0..<10_000_000).map { UInt8(truncatingIfNeeded: $0) })
    }
}

@Suite struct LimitsTests {
    @Test func sizesOutsideTheirRangeNameTheFlagAndValue() {
        #expect(throws: AIGCError.usage("--seq-len must be in 8...16 (got 99999999999)")) { try Limits.check("--seq-len", 99_999_999_999, in: 8...16) }
        #expect(throws: AIGCError.usage("--x must be ≥ 1 (got -5)")) { try Limits.check("--x", -5, in: 1...Int.max) }
        #expect(throws: Never.self) { try Limits.check("--x", 8, in: 8...16) }
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: AIGCError.usage("--lr must be a finite number (got nan)")) { try Limits.finite("--lr", Double.nan) }
        #expect(throws: AIGCError.usage("--t must be a finite number (got inf)")) { try Limits.finite("--t", Float.infinity) }
        #expect(throws: AIGCError.self) { try Limits.check("--p", Double.nan, in: 0...1) }
    }

    @Test func memoryBeyondTheMachineIsRefusedWithoutOverflow() {
        #expect(throws: AIGCError.self) { try Limits.memory("--a × --b", bytes: Double(Int.max) * Double(Int.max)) }
        #expect(throws: AIGCError.self) { try Limits.memory("--a", bytes: .infinity) }
        #expect(throws: Never.self) { try Limits.memory("--a", bytes: 1_048_576) }
    }

    @Test func threadCountsAreClamped() throws {
        #expect(try Limits.threads("--threads", 1) == 1)
        #expect(try Limits.threads("--threads", 1_000_000) == Limits.maxUsefulThreads)
        #expect(throws: AIGCError.usage("--threads must be ≥ 1 (got 0)")) { try Limits.threads("--threads", 0) }
    }
}
