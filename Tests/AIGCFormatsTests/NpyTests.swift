import AIGCCore
import Foundation
import Testing
import AIGCFormats

@Suite struct NpyTests {
    static func errorText(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    /// Exactly what `numpy.save` writes for `np.arange(6, dtype='<f4').reshape(2, 3)` (header bytes).
    @Test func headerMatchesNumpy() throws {
        let h = try Npy.header(dtype: .f32, shape: [2, 3])
        #expect(h.count == 128 || h.count == 64)
        #expect(h.count % 64 == 0)
        let text = String(decoding: h[10...], as: UTF8.self)
        #expect(text.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(text.hasSuffix(" \n"))
        #expect(Array(h[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let one = String(decoding: try Npy.header(dtype: .u16, shape: [5])[10...], as: UTF8.self)
        #expect(one.hasPrefix("{'descr': '<u2', 'fortran_order': False, 'shape': (5,), }"))
        let zero = String(decoding: try Npy.header(dtype: .u8, shape: [])[10...], as: UTF8.self)
        #expect(zero.hasPrefix("{'descr': '|u1', 'fortran_order': False, 'shape': (), }"))
    }

    @Test func roundTrips() throws {
        let arrays: [NpyArray] = [
            try NpyArray(floats: [1, 2, 3, -4.5, 0, .infinity], shape: [2, 3]),
            try NpyArray(int32s: [Int32.min, 0, 7], shape: [3]),
            try NpyArray(int64s: [Int64.max], shape: [1, 1]),
            try NpyArray(uint32s: [UInt32.max, 1], shape: [2]),
            try NpyArray(uint16s: [65535, 0, 3, 4], shape: [2, 2]),
            try NpyArray(uint8s: [1, 2, 3], shape: [3]),
            try NpyArray(uint8s: [5], shape: []),
            try NpyArray(floats: [], shape: [0, 4]),
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-npy-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (i, a) in arrays.enumerated() {
            let url = dir.appendingPathComponent("\(i).npy")
            try Npy.write(a, to: url)
            let b = try Npy.read(contentsOf: url)
            #expect(b == a)
        }
        #expect(try arrays[0].floats() == [1, 2, 3, -4.5, 0, .infinity])
        #expect(try arrays[4].int32s() == [65535, 0, 3, 4])
        #expect(try arrays[3].int64s() == [Int64(UInt32.max), 1])
    }

    @Test func hostileFiles() throws {
        func err(_ b: [UInt8]) -> String { Self.errorText { _ = try Npy.parse(b, path: "h.npy") } }
        let good = try Npy.serialize(try NpyArray(floats: [1, 2], shape: [2]))
        #expect(err([1, 2, 3]).contains("missing \\x93NUMPY magic"))
        #expect(err(Array(good[0..<20])).contains("exceeds"))
        #expect(err(Array(good.dropLast())).contains("needs 8 data bytes but the file has 7"))
        var v9 = good; v9[6] = 9
        #expect(err(v9).contains("unsupported .npy format version 9"))
        var huge = good; huge[8] = 0xff; huge[9] = 0xff
        #expect(err(huge).contains("exceeds"))
        func withDict(_ d: String, data: [UInt8] = []) -> [UInt8] {
            var t = Array(d.utf8); t.append(0x0A)
            return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(t.count & 0xff), UInt8(t.count >> 8)] + t + data
        }
        #expect(err(withDict("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0])).contains("unsupported dtype '>f4'"))
        #expect(err(withDict("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0])).contains("unsupported dtype"))
        #expect(err(withDict("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", data: [0, 0, 0, 0])).contains("Fortran-order"))
        #expect(err(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")).contains("non-negative integers"))
        #expect(err(withDict("{'descr': '<f4', 'shape': (1,), }", data: [0, 0, 0, 0])).contains("no 'fortran_order'"))
        #expect(err(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", data: [0, 0, 0, 0])).contains("unexpected header key"))
        #expect(err(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }")).contains("non-negative integers"))
        #expect(err(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }")).contains("is invalid"))
        #expect(err(withDict("{'descr': '<f4'")).contains("expected"))
        #expect(err(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0])) == "")
    }
}
