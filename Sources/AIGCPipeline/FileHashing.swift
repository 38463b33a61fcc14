import AIGC
import Foundation

/// SHA-256 of files and directory trees, streamed in 1 MB blocks (the pipeline's stamps).
enum FileHashing {
    static func sha256(file url: URL) throws -> String {
        guard let h = FileHandle(forReadingAtPath: url.path) else { throw AIGCError.io("\(url.path): cannot read") }
        defer { try? h.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do { chunk = try h.read(upToCount: 1 << 20) } catch { throw AIGCError.io("\(url.path): cannot read (\(error.localizedDescription))") }
            guard let chunk, !chunk.isEmpty else { break }
            chunk.withUnsafeBytes { hasher.update(buffer: $0) }
        }
        return hasher.finalizeHex()
    }

    /// Every regular file under `dir` (recursively, hidden files included) → its SHA-256.
    static func tree(_ dir: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return out }
        for case let url as URL in e {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            out[url.standardizedFileURL.path] = try sha256(file: url)
        }
        return out
    }
}
