import Foundation

/// A file an output writer produced: where, how big, and its SHA-256 (for manifests).
public struct WrittenFile: Sendable, Equatable {
    public var url: URL
    public var bytes: Int
    public var sha256: String
    public init(url: URL, bytes: Int, sha256: String) { self.url = url; self.bytes = bytes; self.sha256 = sha256 }
}
