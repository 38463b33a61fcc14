import Foundation
import Testing
import AIGCCore

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hash(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func streamingEqualsOneShot() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var h = SHA256()
        var i = 0
        for step in [1, 63, 64, 65, 1000, 7] .cycled(until: data.count) {
            let end = min(i + step, data.count)
            h.update(data[i..<end])
            i = end
            if i == data.count { break }
        }
        #expect(h.finalizeHex() == SHA256.hash(data))
    }

    @Test func shippedVocabularyHash() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("Vocab/cl100k_base.tiktoken"))
        #expect(SHA256.hash(data) == "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7")
    }
}

extension Array {
    /// Repeats the array's elements until `n` have been produced.
    func cycled(until n: Int) -> [Element] { (0..<n).map { self[$0 % count] } }
}

@Suite struct AtomicFileTests {
    @Test func writesAndLeavesNoTemporaries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-core-\(UUID().uuidString)")
        let url = dir.appendingPathComponent("sub/out.bin")
        let w = try AtomicFileWriter(url: url)
        try w.write(Data([1, 2, 3]))
        #expect(!FileManager.default.fileExists(atPath: url.path), "destination must not exist before commit")
        try w.commit()
        #expect(try Data(contentsOf: url) == Data([1, 2, 3]))
        #expect(w.sha256 == SHA256.hash([1, 2, 3] as [UInt8]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["out.bin"])
    }

    /// A file of several writeback steps (the writer hands finished ranges to the kernel every 8 MiB as it goes),
    /// written in small and large pieces, its first bytes patched at the end: the bytes and the digest are exactly
    /// what was written.
    @Test func largeFileWithEarlyWritebackAndPatchedHeader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-core-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("big.bin")
        let w = try AtomicFileWriter(url: url, hashing: false)
        var expected = [UInt8]()
        var x: UInt32 = 12345
        for piece in 0..<40 {
            // Pieces of 1 KiB to 3 MiB, so both the buffered and the direct write paths cross writeback steps.
            let n = piece % 3 == 0 ? 3 << 20 : 1024 + piece * 7919
            var chunk = [UInt8](repeating: 0, count: n)
            for k in 0..<n { x = x &* 1_664_525 &+ 1_013_904_223; chunk[k] = UInt8(truncatingIfNeeded: x >> 24) }
            try chunk.withUnsafeBytes { try w.write(bytes: $0) }
            expected += chunk
        }
        #expect(expected.count > 3 * AtomicFileWriter.writebackStep)
        let header: [UInt8] = Array("HEADER".utf8)
        try header.withUnsafeBytes { try w.overwrite(at: 0, bytes: $0) }
        expected.replaceSubrange(0..<header.count, with: header)
        try w.commit(hashingFile: true)
        #expect(try Data(contentsOf: url) == Data(expected))
        #expect(w.sha256 == SHA256.hash(expected))
    }

    @Test func abandonedWriterRemovesItsTemporary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-core-\(UUID().uuidString)")
        let url = dir.appendingPathComponent("x.txt")
        do {
            let w = try AtomicFileWriter(url: url)
            try w.write(Data("partial".utf8))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}

/// `InputFile.forEachWindow`: the parts are the whole input in order, each ends where `cut` said, a window
/// without a cut grows, and an empty input is one empty part.
@Suite struct InputFileWindowTests {
    @Test func partsAreTheWholeInputCutWhereAsked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-core-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("in.txt")
        var text: [UInt8] = []
        var x: UInt32 = 7
        while text.count < 300_000 {
            x = x &* 1_664_525 &+ 1_013_904_223
            let len = Int(x >> 20) % 300 + (x % 50 == 0 ? 20_000 : 0)  // now and then a line longer than the window
            text += [UInt8](repeating: UInt8(0x61 + x % 26), count: len) + [0x0A]
        }
        text += Array("tail without newline".utf8)
        for data in [text, Array(text.dropLast(20)), []] {
            try Data(data).write(to: url)
            for window in [64, 4096, 1 << 20] {
                var whole: [UInt8] = [], offsets: [Int] = []
                try InputFile(path: url.path).forEachWindow(window: window, cut: { t in t.lastIndex(of: 0x0A).map { $0 + 1 } }) { offset, part in
                    #expect(offset == whole.count)
                    offsets.append(offset)
                    whole += part
                    if whole.count < data.count { #expect(part.last == 0x0A) }
                }
                #expect(whole == data, "window \(window), \(data.count) bytes")
                #expect(data.isEmpty ? offsets == [0] : offsets.count >= min(data.count / window, 4))
            }
        }
    }
}

@Suite struct ParallelMapTests {
    @Test func orderedAndIndependentOfThreadCount() throws {
        let one = Parallel.map(1000, threads: 1) { $0 * $0 }
        let four = Parallel.map(1000, threads: 4) { $0 * $0 }
        #expect(one == four && one[999] == 998_001)
    }

    @Test func forEachVisitsEveryIndexOnce() {
        var hits = [Int](repeating: 0, count: 777)
        hits.withUnsafeMutableBufferPointer { h in Parallel.forEach(777, threads: 3) { h[$0] += 1 } }
        #expect(hits.allSatisfy { $0 == 1 })
    }

    final class Counter: @unchecked Sendable { var made = 0; var released = 0; let lock = NSLock() }

    @Test func streamEmitsInOrderWithOneWorkerStatePerThread() throws {
        let c = Counter()
        var seen: [Int] = []
        try Parallel.stream(count: 500, threads: 4, makeWorker: { c.lock.withLock { c.made += 1 }; return c },
                            releaseWorker: { (w: Counter) in w.lock.withLock { w.released += 1 } }, { i, _ in i * 2 }) { seen.append($0) }
        #expect(seen == (0..<500).map { $0 * 2 })
        #expect(c.made == c.released && c.made >= 1 && c.made <= 4)
    }

    struct Stop: Error {}

    /// A slow consumer bounds the work done ahead of it: job `i` starts only once fewer than `ahead` results are
    /// waiting (computed or being computed, not yet handed to `emit`), so memory does not grow with the input.
    @Test(arguments: [1, 3, nil] as [Int?])
    func streamComputesAtMostAheadResultsBeyondTheConsumer(ahead: Int?) throws {
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var emitted = 0
            var worst = 0
        }
        let p = Tally()
        var seen: [Int] = []
        try Parallel.stream(count: 300, threads: 4, ahead: ahead, makeWorker: { () }, { i, _ -> Int in
            p.lock.withLock { p.worst = max(p.worst, i - p.emitted) }
            return i
        }) { i in
            p.lock.withLock { p.emitted += 1 }
            usleep(200)  // a slow writer: without the bound, the other threads would run far ahead
            seen.append(i)
        }
        #expect(seen == Array(0..<300))
        // emit(i) is entered after the slot is freed, so `emitted` may lag `nextEmit` by the one being emitted.
        #expect(p.worst <= (ahead ?? 16), "job \(p.worst) ahead of the consumer (ahead \(String(describing: ahead)))")
    }

    @Test func streamStopsAtTheFirstEmitError() {
        var seen: [Int] = []
        #expect(throws: Stop.self) {
            try Parallel.stream(count: 1000, threads: 4, makeWorker: { () }, { i, _ in i }) { i in
                if i == 10 { throw Stop() }
                seen.append(i)
            }
        }
        #expect(seen == Array(0..<10))
    }

    struct Boom: Error, Equatable { let i: Int }

    @Test func firstErrorByIndexIsRethrown() {
        #expect(throws: Boom(i: 3)) { try Parallel.map(100, threads: 3) { i in if i == 3 || i == 50 { throw Boom(i: i) }; return i } }
    }
}
