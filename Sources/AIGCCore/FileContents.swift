import Foundation

/// Whole-file reads, and JSON files decoded into a type, with errors that name the file: the one home of
/// `PATH: cannot read (reason)` and `PATH: not a model config (missing key 'n_head')`.
package enum FileContents {
    /// The bytes of `url` (mapped when `options` says so). `name` is how messages name the file (default: its
    /// path); `hint` is appended to the error (e.g. "; is DIR a training directory?").
    package static func read(_ url: URL, options: Data.ReadingOptions = [], name: String? = nil, hint: String = "") throws -> Data {
        do { return try Data(contentsOf: url, options: options) } catch {
            throw AIGCError.io("\(name ?? url.path): cannot read (\(error.localizedDescription))\(hint)")
        }
    }

    /// `url`'s JSON decoded as `T`; undecodable JSON is `AIGCError.input` naming the file, what it should have
    /// been (`what`, e.g. "a model config") and why (`describe`).
    package static func decodeJSON<T: Decodable>(_ type: T.Type, from url: URL, what: String, hint: String = "") throws -> T {
        let data = try read(url, hint: hint)
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw AIGCError.input(location: url.path, message: "not \(what) (\(describe(error)))")
        }
    }

    /// A decoding error in a few words: the missing key, the key path of a wrong type, or the JSON syntax error.
    package static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let k, _): return "missing key '\(k.stringValue)'"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let ctx): return "invalid JSON (\(ctx.debugDescription))"
        default: return "\(error)"
        }
    }
}
