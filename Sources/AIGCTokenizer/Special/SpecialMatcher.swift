/// Finds special-token strings in text: a first-byte filter, then the candidates starting with that byte, longest
/// first (so `<|a|>b` wins over `<|a|>` at the same offset, like HF's leftmost-longest matching).
final class SpecialMatcher: Sendable {
    struct Entry: Sendable { let bytes: [UInt8]; let text: String; let id: UInt32 }
    let byFirst: [[Entry]]
    let isFirst: [Bool]
    let isEmpty: Bool

    init(_ tokens: [String: UInt32]) {
        var by = [[Entry]](repeating: [], count: 256)
        var first = [Bool](repeating: false, count: 256)
        for (t, id) in tokens where !t.isEmpty {
            let b = Array(t.utf8)
            by[Int(b[0])].append(Entry(bytes: b, text: t, id: id))
            first[Int(b[0])] = true
        }
        for i in 0..<256 { by[i].sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.bytes.lexicographicallyPrecedes($1.bytes) } }
        byFirst = by
        isFirst = first
        isEmpty = tokens.isEmpty
    }

    /// The first match at or after `from` whose token passes `accept`: (start offset, entry).
    func next(in p: UnsafeBufferPointer<UInt8>, from: Int, accept: (Entry) -> Bool) -> (Int, Entry)? {
        if isEmpty { return nil }
        var i = from
        let n = p.count
        while i < n {
            let b = p[i]
            if isFirst[Int(b)] {
                for e in byFirst[Int(b)] where e.bytes.count <= n - i && accept(e) {
                    var k = 1
                    while k < e.bytes.count && p[i + k] == e.bytes[k] { k += 1 }
                    if k == e.bytes.count { return (i, e) }
                }
            }
            i += 1
        }
        return nil
    }
}
