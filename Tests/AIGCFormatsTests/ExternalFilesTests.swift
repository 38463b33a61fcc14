import AIGCCore
import Foundation
import Testing
import AIGCFormats

/// Interop with files written by Python's numpy/safetensors. Runs only from Scripts/verify-formats-python.sh,
/// which writes the Python files into AIGC_FORMATS_EXTERNAL_DIR and checks ours back in Python afterwards.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["AIGC_FORMATS_EXTERNAL_DIR"] != nil,
                "runs from Scripts/verify-formats-python.sh, which sets AIGC_FORMATS_EXTERNAL_DIR"))
struct ExternalFilesTests {
    let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["AIGC_FORMATS_EXTERNAL_DIR"] ?? "/nonexistent")

    @Test func readPythonFilesAndWriteOurs() throws {
        let py = try SafeTensorsFile(contentsOf: dir.appendingPathComponent("py.safetensors"))
        #expect(py.metadata == ["origin": "python"])
        #expect(try py.floats("f32") == [1, -2.5, 3e-8, .infinity, 0, 7])
        #expect(try py.shape("f32") == [2, 3])
        #expect(try py.int32s("i32") == [0, -1, Int32.max])
        #expect(try py.int64s("i64") == [Int64.min, 5])
        #expect(try py.int32s("u16") == [65535, 1])
        #expect(try py.int64s("u32") == [4_000_000_000])
        #expect(try py.bytes("u8") == [9, 8, 7, 6])
        #expect(try py.floats("f16") == [1, 0.5, -2, 65504])
        var w = SafeTensorsWriter(metadata: ["origin": "swift"])
        for name in py.names.sorted() {
            let t = try py.info(name)
            try w.add(name, dtype: t.dtype, shape: t.shape, bytes: try py.bytes(name))
            let npy = try Npy.read(contentsOf: dir.appendingPathComponent("py_\(name).npy"))
            let raw = try py.bytes(name)
            #expect(npy.dtype == t.dtype && npy.shape == t.shape && npy.bytes == raw)
            try Npy.write(npy, to: dir.appendingPathComponent("swift_\(name).npy"))
        }
        try w.write(to: dir.appendingPathComponent("swift.safetensors"))
    }
}
