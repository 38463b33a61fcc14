import AIGCCorpus

/// The corpus builder's role-order rule as a yes/no question.
package enum RoleOrder {
    /// `RecordCleaner.roleOrderProblem(turns) != nil` without building its message (for saturated role-order
    /// examples): optional system turn, then user/assistant alternating from user, ending with assistant.
    package static func hasProblem(_ turns: [Turn]) -> Bool {
        var k = 0
        if turns.first?.role == .system { k = 1 }
        if k >= turns.count { return true }
        var expect = Role.user
        while k < turns.count {
            if turns[k].role != expect { return true }
            expect = expect == .user ? .assistant : .user
            k += 1
        }
        return turns.last?.role != .assistant
    }
}
