import Foundation

/// Where a `--model` argument points: an existing directory, else a registered model name (`ModelStore`).
public enum ModelLocator {
    public static func directory(_ spec: String) throws -> URL {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: spec, isDirectory: &isDir) {
            guard isDir.boolValue else { throw AIGCError.usage("\(spec): not a model directory (a file)") }
            return URL(fileURLWithPath: spec)
        }
        throw AIGCError.usage("\(spec): no such model directory")
    }
}
