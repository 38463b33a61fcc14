import AIGCCore
import Foundation
import Testing

@Suite struct SHA256VectorTests {
    @Test func fipsVectors() {
        #expect(SHA256.hash([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingEqualsOneShotAndSha256sum() throws {
        var rng = SystemRandomNumberGenerator()
        let data = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for n in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 4999] {
            let one = SHA256.hash(data[0..<n])
            var s = SHA256()
            var i = 0
            while i < n { let k = min(n - i, Int.random(in: 1...100)); s.update(data[i..<(i + k)]); i += k }
            #expect(s.finalizeHex() == one)
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") else { continue }
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
            try Data(data[0..<n]).write(to: url)
            let p = Process(), pipe = Pipe()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            p.arguments = [url.path]
            p.standardOutput = pipe
            try p.run(); p.waitUntilExit()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(out.hasPrefix(one))
        }
    }
}
