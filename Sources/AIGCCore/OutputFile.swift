import Foundation

/// A command's data output: standard output (for nil or "-") or a file written as `AtomicFileWriter` does
/// (atomically when a regular file; devices, FIFOs and symlinks written through). Every write error throws.
public final class OutputFile {
    private let writer: AtomicFileWriter?
    /// How the output is named in messages.
    public let name: String

    public init(path: String?) throws {
        if let path, path != "-" {
            writer = try AtomicFileWriter(url: URL(fileURLWithPath: path), hashing: false)
            name = path
        } else {
            writer = nil
            name = "stdout"
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write(raw: $0) }
    }

    public func write(_ text: String) throws {
        var t = text
        try t.withUTF8 { try write(raw: UnsafeRawBufferPointer($0)) }
    }

    public func write(_ data: some DataProtocol) throws {
        for region in data.regions { try region.withUnsafeBytes { try write(raw: $0) } }
    }

    public func write(raw: UnsafeRawBufferPointer) throws {
        if let writer { try writer.write(bytes: raw) } else { try StandardOutput.write(bytes: raw) }
    }

    /// Completes the output: renames a file into place, or flushes standard output. Not calling it leaves no file
    /// (the temporary one is removed).
    public func finish() throws {
        if let writer { try writer.commit() } else { try StandardOutput.flush() }
    }
}
