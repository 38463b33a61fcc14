/// A key of a config section and how it sets a field of the section's options (checked against its range): a
/// section's keys are listed once, in a table that serves both the allowed-key check and the reading.
package struct ConfigField<Options>: Sendable {
    package let key: String
    package let read: @Sendable (ConfigNode, inout Options) throws -> Void

    package init(_ key: String, read: @escaping @Sendable (ConfigNode, inout Options) throws -> Void) {
        self.key = key
        self.read = read
    }

    package static func int(_ key: String, _ field: WritableKeyPath<Options, Int> & Sendable, _ range: ClosedRange<Int>) -> ConfigField {
        ConfigField(key) { n, o in o[keyPath: field] = try n.int(range) }
    }

    package static func double(_ key: String, _ field: WritableKeyPath<Options, Double> & Sendable, _ range: ClosedRange<Double>) -> ConfigField {
        ConfigField(key) { n, o in o[keyPath: field] = try n.double(range) }
    }

    /// Sets `options` from the keys of `mapping` that `fields` lists, in the table's order (the first bad value
    /// is the error).
    package static func read(_ fields: [ConfigField], from mapping: [String: ConfigNode], into options: inout Options) throws {
        for f in fields { if let n = mapping[f.key] { try f.read(n, &options) } }
    }
}
