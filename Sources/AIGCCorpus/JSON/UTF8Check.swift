import AIGCText

/// Thin forwarding to the foundation's UTF-8 helpers, so the JSON parser reads naturally.
enum UTF8Check {
    @inline(__always) static func validSequenceLength(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (Bool, Int) {
        let r = UTF8Bytes.validSequenceLength(p, at: i)
        return (r.valid, r.length)
    }

    @inline(__always) static func append(_ c: UInt32, to out: inout [UInt8]) { UTF8Bytes.append(c, to: &out) }
}
