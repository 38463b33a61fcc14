import AIGCCore
import AIGCFormats
import Foundation

/// `rejects.jsonl` (with `--keep-rejects`): one line per dropped record, in input order:
/// `{"ordinal":N,"reason":"…","source":"FILE:LINE","message":"…","record":"…raw record…"}`.
public final class RejectsWriter {
    let file: AtomicFileWriter
    private var buf: [UInt8] = []
    public private(set) var count = 0

    public init(url: URL) throws { file = try AtomicFileWriter(url: url) }

    public static func line(ordinal: UInt64, reason: DropReason, source: String, message: String, record: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = Array("{\"ordinal\":\(ordinal),\"reason\":\"\(reason.rawValue)\",\"source\":".utf8)
        JSONWriter.appendString(Array(source.utf8), to: &out)
        out.append(contentsOf: Array(",\"message\":".utf8))
        JSONWriter.appendString(Array(message.utf8), to: &out)
        out.append(contentsOf: Array(",\"record\":".utf8))
        JSONWriter.appendString(record, to: &out)
        out.append(contentsOf: [0x7D, 0x0A])
        return out
    }

    public func append(line: [UInt8]) throws {
        buf.append(contentsOf: line)
        count += 1
        if buf.count >= 1 << 20 { try file.write(buf); buf.removeAll(keepingCapacity: true) }
    }

    public func finish() throws -> WrittenFile {
        try file.write(buf)
        buf = []
        try file.commit()
        return WrittenFile(url: file.url, bytes: file.bytesWritten, sha256: file.sha256)
    }
}
