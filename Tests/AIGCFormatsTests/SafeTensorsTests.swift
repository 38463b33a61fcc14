import AIGCCore
import Foundation
import Testing
import AIGCFormats

@Suite struct SafeTensorsTests {
    static func tmp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("aigc-st-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))-\(name)")
    }

    /// A raw file from a header string and a data section (for hostile inputs).
    static func raw(header: String, data: [UInt8] = [], length: UInt64? = nil) -> Data {
        var out = [UInt8]()
        var len = (length ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &len) { out.append(contentsOf: $0) }
        out.append(contentsOf: header.utf8)
        out.append(contentsOf: data)
        return Data(out)
    }

    static func errorText(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test func roundTripAllDTypes() throws {
        var w = SafeTensorsWriter(metadata: ["format": "pt", "note": "quote \" and \\ and \n"])
        try w.add("w", floats: [1, -2.5, 3e-8, .infinity, 0, 7], shape: [2, 3])
        try w.add("ids", int32s: [0, -1, Int32.max], shape: [3])
        try w.add("big", int64s: [Int64.min, 5], shape: [2])
        try w.add("u16", uint16s: [65535, 1], shape: [1, 2])
        try w.add("u32", uint32s: [4_000_000_000], shape: [1])
        try w.add("u8", uint8s: [9, 8, 7, 6], shape: [2, 2])
        try w.add("half", floats: [1, 0.5, -2, 65504, 6e-8], shape: [5], as: .f16)
        try w.add("bf", floats: [1, 0.5, -2, 3.140625], shape: [4], as: .bf16)
        try w.add("i8", dtype: .i8, shape: [2], bytes: [0xff, 1])
        try w.add("i16", dtype: .i16, shape: [1], bytes: [0x00, 0x80])
        try w.add("scalar", floats: [42], shape: [])
        try w.add("empty", floats: [], shape: [0, 3])
        let url = Self.tmp("rt.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try w.write(to: url)
        let f = try SafeTensorsFile(contentsOf: url)
        #expect(f.metadata == w.metadata)
        #expect(try f.floats("w") == [1, -2.5, 3e-8, .infinity, 0, 7])
        #expect(try f.shape("w") == [2, 3])
        #expect(try f.dtype("w") == .f32)
        #expect(try f.int32s("ids") == [0, -1, Int32.max])
        #expect(try f.int64s("big") == [Int64.min, 5])
        #expect(try f.int32s("u16") == [65535, 1])
        #expect(try f.int64s("u32") == [4_000_000_000])
        #expect(try f.bytes("u8") == [9, 8, 7, 6])
        #expect(try f.floats("half") == [1, 0.5, -2, 65504, Float(TensorConversion.halfToFloat(1))])
        #expect(try f.floats("bf") == [1, 0.5, -2, 3.140625])
        #expect(try f.int32s("i8") == [-1, 1])
        #expect(try f.int32s("i16") == [-32768])
        #expect(try f.floats("scalar") == [42])
        #expect(try f.shape("scalar") == [])
        #expect(try f.floats("empty") == [])
        #expect(f.names.count == 12)
        // Header length is a multiple of 8, so data is 8-byte aligned.
        let bytes = try Array(Data(contentsOf: url))
        #expect((bytes.count - w.entries.reduce(0) { $0 + $1.bytes.count }) % 8 == 0)
        // Deterministic bytes.
        #expect(bytes == w.serialized())
    }

    @Test func typedAccessErrors() throws {
        var w = SafeTensorsWriter()
        try w.add("f", floats: [1], shape: [1])
        try w.add("big", int64s: [1 << 40], shape: [1])
        let f = try SafeTensorsFile(data: Data(w.serialized()), path: "t.safetensors")
        #expect(Self.errorText { _ = try f.int32s("f") }.contains("expected an integer tensor"))
        #expect(Self.errorText { _ = try f.floats("big") }.contains("expected a floating-point tensor"))
        #expect(Self.errorText { _ = try f.int32s("big") }.contains("does not fit in Int32"))
        #expect(Self.errorText { _ = try f.floats("nope") }.contains("no tensor named 'nope'"))
    }

    @Test func writerRejectsBadTensors() throws {
        var w = SafeTensorsWriter()
        #expect(throws: AIGCError.self) { try w.add("x", floats: [1, 2], shape: [3]) }
        try w.add("x", floats: [1], shape: [1])
        #expect(throws: AIGCError.self) { try w.add("x", floats: [1], shape: [1]) }
        #expect(throws: AIGCError.self) { try w.add("__metadata__", floats: [1], shape: [1]) }
        #expect(throws: AIGCError.self) { try w.add("y", floats: [1], shape: [-1]) }
    }

    @Test func hostileFiles() throws {
        func err(_ d: Data) -> String { Self.errorText { _ = try SafeTensorsFile(data: d, path: "h.safetensors") } }
        #expect(err(Data([1, 2, 3])).contains("shorter than the 8-byte header length"))
        #expect(err(Self.raw(header: "{}", length: 1 << 62)).contains("exceeds"))
        #expect(err(Self.raw(header: "{}", length: UInt64.max)).contains("exceeds"))
        #expect(err(Self.raw(header: "{\"a\":")).contains("not valid JSON"))
        #expect(err(Self.raw(header: "[1,2]   ")).contains("does not start with '{'"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])).contains("unknown dtype 'F99'"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])).contains("does not match data_offsets span"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", data: [0, 0, 0, 0])).contains("exceed the data section"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", data: [0, 0, 0, 0])).contains("increasing pair"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])).contains("negative"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])).contains("non-integer"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])).contains("does not match"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data: [UInt8](repeating: 0, count: 8))).contains("overlap"))
        #expect(err(Self.raw(header: "{\"__metadata__\":{\"k\":1}}")).contains("not a string"))
        #expect(err(Self.raw(header: "{\"a\":3}")).contains("entry is not an object"))
        #expect(err(Self.raw(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", data: [0, 0, 0, 0])).contains("data_offsets"))
        // Errors name the file and where.
        #expect(err(Data([1, 2, 3])).hasPrefix("h.safetensors: byte 0"))
    }

    @Test func truncatedFileIsAnError() throws {
        var w = SafeTensorsWriter()
        try w.add("x", floats: [1, 2, 3, 4], shape: [4])
        let full = w.serialized()
        for cut in [4, 12, full.count - 1] {
            #expect(throws: AIGCError.self) { _ = try SafeTensorsFile(data: Data(full[0..<cut]), path: "cut") }
        }
    }

    @Test func halfConversionsRoundToNearestEven() {
        #expect(TensorConversion.floatToHalf(1) == 0x3c00)
        #expect(TensorConversion.floatToHalf(-2) == 0xc000)
        #expect(TensorConversion.floatToHalf(65504) == 0x7bff)
        #expect(TensorConversion.floatToHalf(1e6) == 0x7c00)
        #expect(TensorConversion.floatToHalf(5.960464477539063e-08) == 0x0001)
        #expect(TensorConversion.halfToFloat(0x0001) == 5.960464477539063e-08)
        // 1 + 2^-11 is exactly half-way between 1 and 1 + 2^-10: ties to even (1).
        #expect(TensorConversion.floatToHalf(1 + 0x1p-11) == 0x3c00)
        #expect(TensorConversion.floatToBF16(1 + 0x1p-8) == 0x3f80)
        #expect(TensorConversion.floatToBF16(3.140625) == 0x4049)
    }
}
