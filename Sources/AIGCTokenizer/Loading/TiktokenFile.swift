import AIGCCore

/// Parser of the `.tiktoken` format: one `base64(token bytes) rank` per line.
enum TiktokenFile {
    /// Token bytes by rank. Errors name the line: bad base64, a bad or huge rank, a duplicate rank.
    static func parse(_ data: UnsafeBufferPointer<UInt8>, source: String) throws -> TokenList {
        var flat: [UInt8] = []
        flat.reserveCapacity(data.count)
        var entries: [(rank: Int, start: Int, end: Int, line: Int)] = []
        entries.reserveCapacity(data.count / 10)
        var maxRank = -1
        var line = 0
        var i = 0
        let n = data.count
        try Base64.table.withUnsafeBufferPointer { tb in
            let t = tb.baseAddress!
            while i < n {
                line += 1
                var e = i
                while e < n && data[e] != 0x0A { e += 1 }
                var lineEnd = e
                if lineEnd > i && data[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                defer { i = e + 1 }
                if lineEnd == i { continue }  // blank line
                var sp = i
                while sp < lineEnd && data[sp] != 0x20 { sp += 1 }
                guard sp < lineEnd else {
                    throw AIGCError.input(location: "\(source):\(line)", message: "expected 'base64 rank'")
                }
                var rank = 0
                var j = sp + 1
                guard j < lineEnd else { throw AIGCError.input(location: "\(source):\(line)", message: "missing rank") }
                while j < lineEnd {
                    let d = data[j]
                    guard d >= 0x30 && d <= 0x39, rank < 100_000_000 else {
                        throw AIGCError.input(location: "\(source):\(line)",
                                              message: "rank is not a number below 10^9")
                    }
                    rank = rank * 10 + Int(d - 0x30)
                    j += 1
                }
                let start = flat.count
                let ok = Base64.decode(UnsafeBufferPointer(rebasing: data[i..<sp]), table: t, into: &flat)
                guard ok, flat.count > start else {
                    throw AIGCError.input(location: "\(source):\(line)", message: "invalid base64 token")
                }
                entries.append((rank, start, flat.count, line))
                if rank > maxRank { maxRank = rank }
            }
        }
        guard maxRank >= 0 else { throw AIGCError.input(location: source, message: "no tokens") }
        guard maxRank < entries.count * 2 + 1024 else {
            throw AIGCError.input(location: source, message: "rank \(maxRank) is far above the token count \(entries.count)")
        }
        var list = TokenList()
        list.start = [Int32](repeating: 0, count: maxRank + 1)
        list.length = [Int32](repeating: -1, count: maxRank + 1)
        for e in entries {
            if list.length[e.rank] >= 0 {
                throw AIGCError.input(location: "\(source):\(e.line)", message: "duplicate rank \(e.rank)")
            }
            list.start[e.rank] = Int32(e.start)
            list.length[e.rank] = Int32(e.end - e.start)
        }
        list.bytes = flat
        return list
    }
}
