import AIGCCore
/// Turns one raw record's bytes into a `Record` for a given input format, or says why it cannot (a drop reason
/// and a message naming the byte offset or field). Pure and thread-safe.
public struct RecordParser: Sendable {
    public struct Failure: Error, Sendable, Equatable {
        public var reason: DropReason
        public var message: String
        public init(_ reason: DropReason, _ message: String) { self.reason = reason; self.message = message }
    }

    public let format: InputFormat
    /// JSON field holding the text for `jsonl` documents.
    public let textField: [UInt8]

    public init(format: InputFormat, textField: String = "text") {
        self.format = format
        self.textField = Array(textField.utf8)
    }

    /// Parses `bytes`. `invalidUTF8` is set when the text held invalid UTF-8 (already replaced by U+FFFD).
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (record: Record?, invalidUTF8: Bool, failure: Failure?) {
        switch format {
        case .text:
            let (fixed, bad) = Self.repairUTF8(bytes)
            return (.document(fixed), bad, nil)
        case .dailydialog:
            let (fixed, bad) = Self.repairUTF8(bytes)
            return (Self.dailyDialog(fixed), bad, nil)
        default:
            let (value, bad, failure) = JSONParser.parse(bytes)
            if let failure {
                return (nil, bad, Failure(.malformedJSON, "byte \(failure.offset): \(failure.message)"))
            }
            guard let value else { return (nil, bad, Failure(.malformedJSON, "no JSON value")) }
            do {
                return (try record(from: value), bad, nil)
            } catch let f as Failure {
                return (nil, bad, f)
            } catch {
                return (nil, bad, Failure(.schema, "\(error)"))
            }
        }
    }

    public func parse(_ bytes: [UInt8]) -> (record: Record?, invalidUTF8: Bool, failure: Failure?) {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    private func record(from v: JSONValue) throws -> Record {
        guard case .object = v else { throw Failure(.schema, "expected a JSON object, got \(v.typeName)") }
        switch format {
        case .openai: return try openAI(v)
        case .sharegpt: return try shareGPT(v)
        case .alpaca: return try alpaca(v)
        case .jsonl:
            guard let t = v.member(textField) else {
                throw Failure(.schema, "missing field \"\(String(decoding: textField, as: UTF8.self))\"")
            }
            guard case .string(let s) = t else {
                throw Failure(.schema, "field \"\(String(decoding: textField, as: UTF8.self))\" must be a string, got \(t.typeName)")
            }
            return .document(s)
        case .text, .dailydialog: throw Failure(.schema, "not a JSON format")
        }
    }

    private func openAI(_ v: JSONValue) throws -> Record {
        let messages = try Self.turnList(v, "messages")
        var turns: [Turn] = []
        turns.reserveCapacity(messages.count)
        for (k, msg) in messages.enumerated() {
            let roleBytes = try Self.turnString(msg, "role", of: "messages", k)
            guard let role = Self.openAIRole(roleBytes) else {
                throw Failure(.unknownRole, "messages[\(k)]: unknown role \"\(Self.show(roleBytes))\"")
            }
            guard let c = msg.member("content") else { throw Failure(.schema, "messages[\(k)]: missing \"content\"") }
            let content: [UInt8]
            switch c {
            case .string(let s): content = s
            case .array(let parts):
                // The multi-part form: [{"type":"text","text":…}, …]; only text parts are supported.
                var joined: [UInt8] = []
                for (j, part) in parts.enumerated() {
                    guard case .string(let kind)? = part.member("type"), kind == Array("text".utf8),
                          case .string(let t)? = part.member("text") else {
                        throw Failure(.schema, "messages[\(k)].content[\(j)] must be {\"type\":\"text\",\"text\":…}")
                    }
                    joined.append(contentsOf: t)
                }
                content = joined
            default: throw Failure(.schema, "messages[\(k)].content must be a string, got \(c.typeName)")
            }
            var trainable = true
            if let w = msg.member("weight") {
                switch w {
                case .number(0): trainable = false
                case .number(1): trainable = true
                default: throw Failure(.schema, "messages[\(k)].weight must be 0 or 1")
                }
            }
            turns.append(Turn(role: role, content: content, trainable: trainable))
        }
        return .conversation(turns)
    }

    private func shareGPT(_ v: JSONValue) throws -> Record {
        let items = try Self.turnList(v, "conversations", or: "conversation")
        var turns: [Turn] = []
        turns.reserveCapacity(items.count)
        if case .string(let sys)? = v.member("system"), !sys.isEmpty { turns.append(Turn(role: .system, content: sys)) }
        for (k, item) in items.enumerated() {
            let from = try Self.turnString(item, "from", of: "conversations", k)
            guard let role = Self.shareGPTRole(from) else {
                throw Failure(.unknownRole, "conversations[\(k)]: unknown speaker \"\(Self.show(from))\"")
            }
            let content = try Self.turnString(item, "value", of: "conversations", k)
            turns.append(Turn(role: role, content: content))
        }
        return .conversation(turns)
    }

    /// The array of turns in field `name` (or its alternative spelling), or a schema failure naming the field.
    private static func turnList(_ v: JSONValue, _ name: StaticString, or alternative: StaticString? = nil) throws -> [JSONValue] {
        guard let m = v.member(name) ?? alternative.flatMap({ v.member($0) }) else { throw Failure(.schema, "missing field \"\(name)\"") }
        guard case .array(let items) = m else { throw Failure(.schema, "\"\(name)\" must be an array, got \(m.typeName)") }
        return items
    }

    /// String member `key` of turn `list[k]`, or a schema failure naming the turn and the key (`messages[3].role`).
    private static func turnString(_ turn: JSONValue, _ key: StaticString, of list: StaticString, _ k: Int) throws -> [UInt8] {
        guard case .object = turn else { throw Failure(.schema, "\(list)[\(k)] must be an object, got \(turn.typeName)") }
        guard let f = turn.member(key) else { throw Failure(.schema, "\(list)[\(k)]: missing \"\(key)\"") }
        guard case .string(let s) = f else { throw Failure(.schema, "\(list)[\(k)].\(key) must be a string, got \(f.typeName)") }
        return s
    }

    private func alpaca(_ v: JSONValue) throws -> Record {
        func field(_ name: StaticString, required: Bool) throws -> [UInt8]? {
            guard let f = v.member(name) else {
                if required { throw Failure(.schema, "missing field \"\(name)\"") }
                return nil
            }
            if case .null = f, !required { return nil }
            guard case .string(let s) = f else { throw Failure(.schema, "field \"\(name)\" must be a string, got \(f.typeName)") }
            return s
        }
        let instruction = try field("instruction", required: true)!
        let input = try field("input", required: false) ?? []
        let output = try field("output", required: true)!
        var turns: [Turn] = []
        if let sys = try field("system", required: false), !sys.isEmpty { turns.append(Turn(role: .system, content: sys)) }
        var prompt = instruction
        if !input.isEmpty { prompt.append(contentsOf: [0x0A, 0x0A]); prompt.append(contentsOf: input) }
        turns.append(Turn(role: .user, content: prompt))
        turns.append(Turn(role: .assistant, content: output))
        return .conversation(turns)
    }

    /// DailyDialog: utterances separated by `__eou__`, speakers alternating user/assistant. A final utterance that
    /// would leave the dialogue ending on the user side is not a trainable target and is left out.
    static func dailyDialog(_ line: [UInt8]) -> Record {
        let marker = Array("__eou__".utf8)
        var parts: [[UInt8]] = []
        var start = 0
        var i = 0
        let n = line.count
        while i + marker.count <= n {
            if line[i] == 0x5F && line[i..<(i + marker.count)].elementsEqual(marker) {
                parts.append(Array(line[start..<i]))
                i += marker.count
                start = i
            } else {
                i += 1
            }
        }
        let tail = Array(line[start..<n])
        if !isBlank(tail) { parts.append(tail) }
        var turns: [Turn] = []
        for (k, p) in parts.enumerated() {
            turns.append(Turn(role: k % 2 == 0 ? .user : .assistant, content: trimASCII(p)))
        }
        if turns.count % 2 == 1 && turns.count > 1 { turns.removeLast() }
        return .conversation(turns)
    }

    static func isBlank(_ b: [UInt8]) -> Bool { b.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }

    static func trimASCII(_ b: [UInt8]) -> [UInt8] {
        var lo = 0, hi = b.count
        while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
        return lo == 0 && hi == b.count ? b : Array(b[lo..<hi])
    }

    static func openAIRole(_ b: [UInt8]) -> Role? {
        switch String(decoding: b, as: UTF8.self) {
        case "system", "developer": return .system
        case "user": return .user
        case "assistant": return .assistant
        default: return nil
        }
    }

    static func shareGPTRole(_ b: [UInt8]) -> Role? {
        switch String(decoding: b, as: UTF8.self) {
        case "system": return .system
        case "human", "user": return .user
        case "gpt", "assistant", "chatgpt", "bing", "bard": return .assistant
        default: return nil
        }
    }

    static func show(_ b: [UInt8]) -> String {
        let s = String(decoding: b.prefix(40), as: UTF8.self)
        return b.count > 40 ? s + "…" : s
    }

    /// Validates UTF-8; invalid subparts become U+FFFD (the caller drops or keeps according to its policy).
    static func repairUTF8(_ p: UnsafeBufferPointer<UInt8>) -> ([UInt8], Bool) {
        var origin: [Int]? = nil
        if let r = try? UTF8Bytes.repair(p, policy: .replace, origin: &origin) { return (r.bytes, true) }
        return (Array(p), false)
    }
}

import AIGCText
