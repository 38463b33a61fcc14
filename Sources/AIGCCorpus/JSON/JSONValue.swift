/// A parsed JSON value with strings kept as UTF-8 bytes (corpus text never round-trips through `String`).
/// Objects keep their members in order (duplicate keys: the first wins in `member(_:)`). Not `indirect`: the
/// arrays already box nested values, and one heap box per value was a large share of a corpus build's mallocs.
package enum JSONValue: Sendable, Equatable {
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
        for i in members.indices where JSONValue.same(members[i].key, k) { return members[i].value }
        return nil
    }

    public func member(_ key: [UInt8]) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return key.withUnsafeBufferPointer { k in
            for i in members.indices where JSONValue.same(members[i].key, k) { return members[i].value }
            return nil
        }
    }

    /// Whether a key's UTF-8 is `k`: one comparison of contiguous bytes (the generic `utf8.elementsEqual` walked the
    /// view a byte at a time: ~1% of a corpus build, which looks up three members per turn).
    @inline(__always) static func same(_ key: String, _ k: UnsafeBufferPointer<UInt8>) -> Bool {
        let u = key.utf8
        guard u.count == k.count else { return false }
        return u.withContiguousStorageIfAvailable { $0.elementsEqual(k) } ?? u.elementsEqual(k)
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

/// One member of a JSON object. Keys are `String`s: short keys (≤ 15 UTF-8 bytes, i.e. all the format keys)
/// are stored inline without a heap allocation.
package struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue
    public init(key: String, value: JSONValue) { self.key = key; self.value = value }
}

extension JSONValue {
    /// Appends every string value inside this value (depth first, in document order): the texts of an evaluation
    /// file's JSON line, for decontamination and the audit's contamination check alike.
    package func collectStrings(into out: inout [[UInt8]]) {
        switch self {
        case .string(let s): out.append(s)
        case .array(let a): for x in a { x.collectStrings(into: &out) }
        case .object(let m): for x in m { x.value.collectStrings(into: &out) }
        default: break
        }
    }
}
