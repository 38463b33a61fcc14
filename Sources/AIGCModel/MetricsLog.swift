import AIGCCore
import Foundation

/// `metrics.jsonl`: one JSON object per line, appended and flushed as training goes. On resume the rows after
/// the checkpoint's iteration (written by the interrupted run) are dropped first, by an atomic rewrite, so the
/// file reads as one uninterrupted run.
final class MetricsLog {
    let url: URL
    private(set) var rows: [String] = []
    private let handle: FileHandle

    init(url: URL, keepThrough: Int?) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if let keep = keepThrough, let text = try? String(contentsOf: url, encoding: .utf8) {
            rows = text.split(separator: "\n").map(String.init).filter { line in
                guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let it = obj["iter"] as? Int else { return false }
                return it <= keep
            }
        }
        try AtomicFile.write(rows.map { $0 + "\n" }.joined(), to: url)
        do { handle = try FileHandle(forWritingTo: url) } catch {
            throw AIGCError.io("\(url.path): cannot open for writing (\(error.localizedDescription))")
        }
        do { try handle.seekToEnd() } catch {
            throw AIGCError.io("\(url.path): cannot seek (\(error.localizedDescription))")
        }
    }

    func append(_ line: String, iter: Int) throws {
        rows.append(line)
        do { try handle.write(contentsOf: Data((line + "\n").utf8)) } catch {
            throw AIGCError.io("\(url.path): write failed (\(error.localizedDescription))")
        }
    }

    deinit { try? handle.close() }
}
