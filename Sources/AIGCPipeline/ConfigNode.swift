import AIGCCore
import Foundation
import Yams

/// A node of a YAML config with the key path that led to it, so every error names the file, the line and the
/// key: `pipeline.yaml:14:12: pretrain.n_layer: expected an integer, found 'two'`.
package struct ConfigNode {
    package let node: Node
    package let path: String
    package let file: String

    package init(node: Node, path: String, file: String) {
        self.node = node
        self.path = path
        self.file = file
    }

    /// Parses `text` (the contents of `file`) into its root node; YAML syntax errors name the line and column.
    package static func parse(_ text: String, file: String) throws -> ConfigNode {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let e as YamlError {
            throw AIGCError.input(location: file, message: Self.describe(e))
        } catch {
            throw AIGCError.input(location: file, message: "not YAML (\(error))")
        }
        guard let root else { throw AIGCError.input(location: file, message: "the config is empty") }
        return ConfigNode(node: root, path: "", file: file)
    }

    /// A YAML syntax error as `LINE:COLUMN: problem`.
    static func describe(_ e: YamlError) -> String {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(mark.line):\(mark.column): YAML syntax: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "\(context.mark.line):\(context.mark.column): duplicate key(s) \(duplicates.joined(separator: ", "))"
        default:
            return "YAML: \(e)"
        }
    }

    package var line: Int { node.mark?.line ?? 0 }

    /// An error about this node: `FILE:LINE:COLUMN: KEY.PATH: message`.
    package func error(_ message: String) -> AIGCError {
        let mark = node.mark.map { ":\($0.line):\($0.column)" } ?? ""
        return .input(location: file + mark, message: (path.isEmpty ? "" : path + ": ") + message)
    }

    private var found: String {
        switch node {
        case .scalar(let s): return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    private var isNull: Bool {
        if case .scalar = node, node.null != nil { return true }
        return false
    }

    // MARK: mappings

    /// The mapping's entries by key, after checking every key is one of `allowed` (an unknown key, e.g. a typo,
    /// is an error naming it and listing the allowed ones).
    package func mapping(allowed: [String]) throws -> [String: ConfigNode] {
        guard let m = node.mapping else { throw error("expected a mapping (key: value lines), found \(found)") }
        var out: [String: ConfigNode] = [:]
        for (k, v) in m {
            guard let key = k.string else { throw ConfigNode(node: k, path: path, file: file).error("keys must be strings") }
            let child = ConfigNode(node: v, path: path.isEmpty ? key : "\(path).\(key)", file: file)
            guard allowed.contains(key) else {
                throw ConfigNode(node: k, path: child.path, file: file).error("unknown key; allowed here: \(allowed.joined(separator: ", "))")
            }
            out[key] = child
        }
        return out
    }

    // MARK: scalars

    package func string() throws -> String {
        guard case .scalar(let s) = node, !isNull else { throw error("expected a string, found \(found)") }
        return s.string
    }

    package func int(_ range: ClosedRange<Int>) throws -> Int {
        guard case .scalar = node, let v = node.int else { throw error("expected an integer, found \(found)") }
        guard range.contains(v) else { throw error("\(v) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return v
    }

    package func uint64() throws -> UInt64 {
        guard case .scalar(let s) = node, let v = UInt64(s.string) else { throw error("expected a non-negative integer, found \(found)") }
        return v
    }

    package func double(_ range: ClosedRange<Double>) throws -> Double {
        guard case .scalar = node, let v = node.float ?? node.int.map(Double.init), v.isFinite else {
            throw error("expected a number, found \(found)")
        }
        guard range.contains(v) else { throw error("\(v) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return v
    }

    package func bool() throws -> Bool {
        guard case .scalar = node, let v = node.bool else { throw error("expected true or false, found \(found)") }
        return v
    }

    /// One of `choices` (e.g. an enum's raw values).
    package func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws -> T where T.RawValue == String {
        let s = try string()
        guard let v = T(rawValue: s) else {
            throw error("'\(s)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    /// A list of strings; a single string is a list of one.
    package func strings() throws -> [String] {
        if case .scalar = node { return [try string()] }
        guard case .sequence(let seq) = node else { throw error("expected a list of strings, found \(found)") }
        return try seq.enumerated().map { try ConfigNode(node: $1, path: "\(path)[\($0)]", file: file).string() }
    }
}
