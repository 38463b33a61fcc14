import Foundation

/// A request body as parsed JSON, so each parameter can be checked for its type and named in the error when it
/// is wrong (a typed `Decodable` would fail with a decoder path, not an OpenAI parameter name).
enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription:
                "a value that is not valid JSON text (for example a string with a lone UTF-16 surrogate escape)")
        }
    }

    /// Parses a request body: an object, or a 400 that says what is wrong.
    static func parseObject(_ bytes: [UInt8]) throws -> [String: JSONValue] {
        guard !bytes.isEmpty else { throw OpenAIError(.badRequest, "The request body is empty; expected a JSON object.") }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw OpenAIError(.badRequest, "The request body is not valid JSON: \(Self.describe(error))", code: "invalid_json")
        }
        guard case .object(let o) = value else { throw OpenAIError(.badRequest, "The request body must be a JSON object.", code: "invalid_json") }
        return o
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let ctx) = error {
            let path = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            let what = ctx.underlyingError.map { "\($0)" } ?? ctx.debugDescription
            return path.isEmpty ? what : "at \(path.hasPrefix(".") ? String(path.dropFirst()) : path): \(what)"
        }
        return "\(error)"
    }

    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Typed access to a request's parameters; every failure is a 400 naming the parameter.
struct Params {
    let o: [String: JSONValue]
    init(_ o: [String: JSONValue]) { self.o = o }

    /// The value, or nil when absent or JSON null.
    func value(_ k: String) -> JSONValue? {
        if let v = o[k], v != .null { return v }
        return nil
    }

    func string(_ k: String) throws -> String? {
        guard let v = value(k) else { return nil }
        guard case .string(let s) = v else { throw OpenAIError.param(k, "'\(k)' must be a string, not \(v.typeName).", code: "invalid_type") }
        return s
    }

    func bool(_ k: String) throws -> Bool? {
        guard let v = value(k) else { return nil }
        guard case .bool(let b) = v else { throw OpenAIError.param(k, "'\(k)' must be a boolean, not \(v.typeName).", code: "invalid_type") }
        return b
    }

    func number(_ k: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let v = value(k) else { return nil }
        guard case .number(let d) = v else { throw OpenAIError.param(k, "'\(k)' must be a number, not \(v.typeName).", code: "invalid_type") }
        guard d.isFinite, range.contains(d) else {
            throw OpenAIError.param(k, "'\(k)' must be between \(Self.fmt(range.lowerBound)) and \(Self.fmt(range.upperBound)) (got \(Self.fmt(d))).")
        }
        return d
    }

    func integer(_ k: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let v = value(k) else { return nil }
        guard case .number(let d) = v, d.rounded() == d, abs(d) < 9.0e15 else {
            throw OpenAIError.param(k, "'\(k)' must be an integer, not \(v.typeName == "a number" ? "a fraction" : v.typeName).", code: "invalid_type")
        }
        let i = Int(d)
        guard range.contains(i) else {
            throw OpenAIError.param(k, "'\(k)' must be between \(range.lowerBound) and \(range.upperBound) (got \(i)).")
        }
        return i
    }

    /// `stop`: null, a string, or an array of up to 4 non-empty strings.
    func stop() throws -> [String] {
        guard let v = value("stop") else { return [] }
        let list: [String]
        switch v {
        case .string(let s): list = [s]
        case .array(let a):
            list = try a.map {
                guard case .string(let s) = $0 else { throw OpenAIError.param("stop", "'stop' must be a string or an array of strings.", code: "invalid_type") }
                return s
            }
        default: throw OpenAIError.param("stop", "'stop' must be a string or an array of strings, not \(v.typeName).", code: "invalid_type")
        }
        guard list.count <= 4 else { throw OpenAIError.param("stop", "'stop' takes at most 4 sequences (got \(list.count)).") }
        guard list.allSatisfy({ !$0.isEmpty }) else { throw OpenAIError.param("stop", "'stop' sequences must not be empty.") }
        return list
    }

    /// `logit_bias`: an object from token id (as a string) to a number in [-100, 100].
    func logitBias(vocabularySize: Int) throws -> [Int32: Double] {
        guard let v = value("logit_bias") else { return [:] }
        guard case .object(let m) = v else { throw OpenAIError.param("logit_bias", "'logit_bias' must be an object mapping token ids to numbers.", code: "invalid_type") }
        guard m.count <= 1024 else { throw OpenAIError.param("logit_bias", "'logit_bias' takes at most 1024 tokens.") }
        var out: [Int32: Double] = [:]
        for (k, b) in m {
            guard let id = Int32(k), id >= 0, Int(id) < vocabularySize else {
                throw OpenAIError.param("logit_bias", "'logit_bias' key '\(k)' is not a token id of this model (0..<\(vocabularySize)).")
            }
            guard case .number(let d) = b, d.isFinite, abs(d) <= 100 else {
                throw OpenAIError.param("logit_bias", "'logit_bias' values must be numbers in [-100, 100].")
            }
            out[id] = d
        }
        return out
    }

    static func fmt(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}
