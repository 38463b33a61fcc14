/// A binary max-heap of merge candidates (the trainer's priority queue, with lazy count refresh by the caller).
package struct MergeQueue {
    private var items: [MergeCandidate] = []

    package init() {}

    package var isEmpty: Bool { items.isEmpty }
    package var count: Int { items.count }

    /// Builds the heap from unordered candidates in O(n).
    package init(_ candidates: [MergeCandidate]) {
        items = candidates
        if items.count > 1 {
            var i = items.count / 2 - 1
            while i >= 0 { siftDown(i); i -= 1 }
        }
    }

    package mutating func push(_ c: MergeCandidate) {
        items.append(c)
        var i = items.count - 1
        items.withUnsafeMutableBufferPointer { h in
            let x = h[i]
            while i > 0 {
                let p = (i - 1) >> 1
                if !x.precedes(h[p]) { break }
                h[i] = h[p]
                i = p
            }
            h[i] = x
        }
    }

    package mutating func pop() -> MergeCandidate? {
        guard let last = items.popLast() else { return nil }
        if items.isEmpty { return last }
        let top = items[0]
        items[0] = last
        siftDown(0)
        return top
    }

    private mutating func siftDown(_ start: Int) {
        items.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = start
            let x = h[i]
            while true {
                var c = 2 * i + 1
                if c >= n { break }
                if c + 1 < n && h[c + 1].precedes(h[c]) { c += 1 }
                if !h[c].precedes(x) { break }
                h[i] = h[c]
                i = c
            }
            h[i] = x
        }
    }
}
