import AIGCAudit
import Testing

@Suite struct StatsTests {
    @Test func percentilesAreExactForSmallValues() {
        var d = Distribution()
        for v in 1...100 { d.add(v) }
        #expect(d.percentile(50) == 50)
        #expect(d.percentile(90) == 90)
        #expect(d.percentile(99) == 99)
        #expect(d.percentile(100) == 100)
        #expect(d.min == 1 && d.max == 100 && d.count == 100 && d.sum == 5050)
        #expect(d.countAbove(90) == 10)
        let s = d.summary(bins: 10)
        #expect(s.histogram.count == 10)
        #expect(s.histogram.allSatisfy { $0.count == 10 })
        #expect(s.histogram.first?.lower == 1 && s.histogram.last?.upper == 100)
    }

    @Test func largeValuesStayWithinOnePercent() {
        var d = Distribution()
        var values: [UInt64] = []
        var x: UInt64 = 12345
        for _ in 0..<10_000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let v = 1000 + (x >> 33) % 5_000_000
            values.append(v)
            d.add(v)
        }
        values.sort()
        for p in [50.0, 90.0, 99.0] {
            let exact = values[Int((p / 100 * Double(values.count)).rounded(.up)) - 1]
            let got = d.percentile(p)
            #expect(got >= exact)
            #expect(Double(got - exact) <= Double(exact) * 0.008 + 1)
        }
        #expect(d.max == values.last!)
        #expect(d.percentile(100) == values.last!)
    }

    @Test func mergeEqualsFeedingOne() {
        var a = Distribution(), b = Distribution(), all = Distribution()
        for v in 0..<5000 { let x = (v * 7919) % 100_000; if v % 2 == 0 { a.add(x) } else { b.add(x) }; all.add(x) }
        a.merge(b)
        #expect(a == all)
        #expect(Distribution().percentile(50) == 0)
    }

    func table(_ keys: [(UInt64, String)]) -> CountTable {
        var t = CountTable(capacity: 4)
        for (k, w) in keys {
            let bytes = Array(w.utf8)
            bytes.withUnsafeBufferPointer { p in t.add(k) { p } }
        }
        return t
    }

    @Test func frequencySummaryIsExactUnderCapacity() {
        let words = ["a", "b", "a", "c", "a", "b", "d", "e", "f", "g", "a"]
        let t = table(words.map { (UInt64($0.utf8.first!), $0) })
        #expect(t.count == 7)
        var s = FrequencySummary(capacity: 100)
        s.add(t)
        s.add(t)
        let top = s.top(2)
        #expect(top.map { String(decoding: $0.text, as: UTF8.self) } == ["a", "b"])
        #expect(top.map(\.count) == [8, 4])
        #expect(top.allSatisfy { $0.error == 0 })
        #expect(s.top(10, minimumCount: 3).count == 2)
    }

    @Test func frequencySummaryKeepsHeavyHittersOverCapacity() {
        var s = FrequencySummary(capacity: 64)
        // 20 batches of 500 distinct rare keys plus 3 heavy keys.
        var truth: [UInt64: UInt64] = [1: 0, 2: 0, 3: 0]
        for b in 0..<20 {
            var keys: [(UInt64, String)] = []
            for i in 0..<500 {
                keys.append((UInt64(1_000 + b * 500 + i), "r"))
                if i % 10 == 0 { keys.append((1, "x")); truth[1]! += 1 }
                if i % 20 == 0 { keys.append((2, "y")); truth[2]! += 1 }
                if i % 40 == 0 { keys.append((3, "z")); truth[3]! += 1 }
            }
            s.add(table(keys))
            #expect(s.table.count <= 64)
        }
        let top = s.top(3)
        #expect(top.map(\.key) == [1, 2, 3])
        #expect(s.errorBound > 0)
        for e in top { #expect(e.count <= truth[e.key]! && truth[e.key]! <= e.count + e.error) }
    }

    @Test func countTableMergeKeepsFirstText() {
        var a = CountTable(), b = CountTable()
        let the = Array("The".utf8), lower = Array("the".utf8)
        the.withUnsafeBufferPointer { p in a.add(7) { p } }
        lower.withUnsafeBufferPointer { p in b.add(7) { p }; b.add(7) { p } }
        a.merge(b)
        let e = a.sortedEntries()
        #expect(e.count == 1 && e[0].count == 3 && e[0].text == the)
    }

    /// Whole-batch tables (texts in an arena): exact under capacity; over it, singletons new to the summary are
    /// dropped up front (error bound +1 per such batch) and the bounds still hold for every listed key.
    @Test func frequencySummaryFromBatchTables() {
        let arena = Array("abcdefxyz".utf8)
        var exact = FrequencySummary(capacity: 100)
        var t = BatchCountTable(capacity: 4)
        for k in [1, 2, 1, 3, 1, 5] { t.add(UInt64(k), start: k, length: 2) }
        #expect(t.count == 4 && t.count(of: 1) == 3 && t.count(of: 5) == 1 && t.count(of: 9) == 0)
        arena.withUnsafeBufferPointer { exact.add(t, arena: $0) }
        let first = exact.top(2)
        #expect(first.map(\.count) == [3, 1] && first[0].text == Array("bc".utf8) && exact.errorBound == 0)

        var s = FrequencySummary(capacity: 64)
        var truth: [UInt64: UInt64] = [1: 0, 2: 0, 3: 0]
        for b in 0..<20 {
            var batch = BatchCountTable(capacity: 16)
            for i in 0..<500 {
                batch.add(UInt64(1_000 + b * 500 + i), start: 0, length: 1)
                if i % 10 == 0 { batch.add(1, start: 6, length: 1); truth[1]! += 1 }
                if i % 20 == 0 { batch.add(2, start: 7, length: 1); truth[2]! += 1 }
                // Key 3: once per batch, so it is dropped as a singleton whenever it is not yet in the summary.
                if i == 499 { batch.add(3, start: 8, length: 1); truth[3]! += 1 }
            }
            arena.withUnsafeBufferPointer { s.add(batch, arena: $0) }
            #expect(s.table.count <= 64)
        }
        #expect(s.errorBound >= 20)
        let top = s.top(2)
        #expect(top.map(\.key) == [1, 2])
        #expect(top.map(\.text) == [Array("x".utf8), Array("y".utf8)])
        for e in top { #expect(e.count <= truth[e.key]! && truth[e.key]! <= e.count + e.error) }
        #expect(truth[3]! <= s.errorBound)
    }
}
