/// A parsed JSON value with strings kept as UTF-8 bytes (corpus text never round-trips through `String`).
/// Objects keep their members in order (duplicate keys: the first wins in `member(_:)`).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string([UInt8])
    case array([JSONValue])
    case object([JSONMember])

    /// The first member named `key` of an object, nil otherwise.
    public func member(_ key: StaticString) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let k = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        for m in members where m.key.count == k.count && m.key.elementsEqual(k) { return m.value }
        return nil
    }

    public func member(_ key: [UInt8]) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for m in members where m.key == key { return m.value }
        return nil
    }

    /// A short name of the value's type, for error messages ("expected a string, got number").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: [UInt8]
    public var value: JSONValue
    public init(key: [UInt8], value: JSONValue) { self.key = key; self.value = value }
}
