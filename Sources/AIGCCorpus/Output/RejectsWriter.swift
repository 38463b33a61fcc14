import AIGCCore
import AIGCFormats
import Foundation

/// `rejects.jsonl` (with `--keep-rejects`): one line per dropped record, in input order:
/// `{"ordinal":N,"reason":"…","source":"FILE:LINE","message":"…","record":"…raw record…"}`.
public final class RejectsWriter {
    let file: ResumableFile

    /// `resumeAt`: continue an interrupted build's file from its checkpointed length.
    public init(url: URL, resumeAt: Int? = nil) throws { file = try ResumableFile(url: url, resumeAt: resumeAt) }

    public static func line(ordinal: UInt64, reason: DropReason, source: String, message: String, record: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = Array("{\"ordinal\":\(ordinal),\"reason\":\"\(reason.rawValue)\",\"source\":".utf8)
        appendString(Array(source.utf8), to: &out)
        out.append(contentsOf: Array(",\"message\":".utf8))
        appendString(Array(message.utf8), to: &out)
        out.append(contentsOf: Array(",\"record\":".utf8))
        appendString(Array(record), to: &out)
        out.append(contentsOf: [0x7D, 0x0A])
        return out
    }

    /// A JSON string of any bytes (U+007F escaped, invalid UTF-8 as U+FFFD): every line is valid JSON.
    private static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { JSONText.appendString($0, escapingDelete: true, to: &out) }
    }

    public func append(line: [UInt8]) throws { try file.write(line) }

    /// Durable length, for checkpoints.
    public func sync() throws -> Int { try file.sync() }

    public func finish() throws -> WrittenFile {
        let r = try file.commit()
        return WrittenFile(url: file.url, bytes: r.bytes, sha256: r.sha256)
    }
}
