import AIGCCore
import AIGCText
import Foundation
import Testing

/// The one invalid-UTF-8 policy: names and aliases, JSON round trip, and what each case does to bytes.
@Suite struct InvalidUTF8PolicyTests {
    @Test func namesAndAliases() throws {
        #expect(InvalidUTF8Policy(name: "replace") == .replace)
        #expect(InvalidUTF8Policy(name: "skip") == .skip)
        #expect(InvalidUTF8Policy(name: "drop") == .skip)
        #expect(InvalidUTF8Policy(name: "fail") == .fail)
        #expect(InvalidUTF8Policy(name: "ignore") == nil)
        let decoded = try JSONDecoder().decode([InvalidUTF8Policy].self, from: Data(#"["drop","skip","replace","fail"]"#.utf8))
        #expect(decoded == [.skip, .skip, .replace, .fail])
        #expect(String(decoding: try JSONEncoder().encode([InvalidUTF8Policy.skip]), as: UTF8.self) == #"["skip"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([InvalidUTF8Policy].self, from: Data(#"["nope"]"#.utf8)) }
    }

    @Test func repairReplacesSkipsOrFails() throws {
        let bad: [UInt8] = [0x61, 0xFF, 0x62, 0xE2, 0x82, 0x63]
        var origin: [Int]? = Array(0..<bad.count)
        let replaced = try bad.withUnsafeBufferPointer { try UTF8Bytes.repair($0, policy: .replace, origin: &origin) }
        #expect(replaced?.bytes == [0x61, 0xEF, 0xBF, 0xBD, 0x62, 0xEF, 0xBF, 0xBD, 0x63] && replaced?.replacements == 2)
        #expect(origin == [0, 1, 1, 1, 2, 3, 3, 3, 5])
        var skipOrigin: [Int]? = Array(0..<bad.count)
        let skipped = try bad.withUnsafeBufferPointer { try UTF8Bytes.repair($0, policy: .skip, origin: &skipOrigin) }
        #expect(skipped?.bytes == [0x61, 0x62, 0x63] && skipped?.replacements == 2)
        #expect(skipOrigin == [0, 2, 5])
        var none: [Int]? = nil
        #expect(throws: InvalidUTF8Error(offset: 1)) { try bad.withUnsafeBufferPointer { try UTF8Bytes.repair($0, policy: .fail, origin: &none) } }
        #expect(try [UInt8]("ok".utf8).withUnsafeBufferPointer { try UTF8Bytes.repair($0, policy: .fail, origin: &none) } == nil)
    }

    @Test func normalizerConfigNamesThePolicies() throws {
        let n = try TextNormalizer(jsonData: Data(#"{"invalid_utf8": "skip", "steps": []}"#.utf8))
        #expect(n.invalidUTF8 == .skip)
        #expect(throws: (any Error).self) { try TextNormalizer(jsonData: Data(#"{"invalid_utf8": "ignore"}"#.utf8)) }
    }
}
