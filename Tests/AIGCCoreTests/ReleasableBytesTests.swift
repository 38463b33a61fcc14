import Foundation
import Testing
import AIGCCore

/// `ReleasableBytes`: a large regular file is read whole into its own mapping and its passed pages can be given
/// back; small files and stdin are plain arrays.
@Suite struct ReleasableBytesTests {
    func withFile(_ bytes: [UInt8], _ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-releasable-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try body(path)
    }

    @Test func aLargeFileIsReadWholeAndGivesBackOnlyWholePagesBelowTheOffset() throws {
        let n = 3 * ReleasableBytes.mappedFrom + 1234
        let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) | 1 }  // no zero byte
        try withFile(bytes) { path in
            let r = try ReleasableBytes(reading: InputFile(path: path))
            #expect(r.count == n)
            #expect(r.withUnsafeBufferPointer { Array($0) } == bytes)
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let offset = ReleasableBytes.mappedFrom + page / 2
            r.release(below: offset)
            r.release(below: offset / 2)  // going back is a no-op
            let kept = offset / page * page
            r.withUnsafeBufferPointer { p in
                #expect(Array(p[kept...]) == Array(bytes[kept...]), "bytes from the page of the offset on are untouched")
                #expect(p[0] == 0 && p[kept - 1] == 0, "the pages below were given back (they read as fresh zero pages)")
            }
        }
    }

    @Test func aSmallFileIsAnArrayThatReleaseLeavesAlone() throws {
        let bytes = Array("small input, read into an array\n".utf8)
        try withFile(bytes) { path in
            let r = try ReleasableBytes(reading: InputFile(path: path))
            r.release(below: bytes.count)
            #expect(r.withUnsafeBufferPointer { Array($0) } == bytes)
        }
    }
}
