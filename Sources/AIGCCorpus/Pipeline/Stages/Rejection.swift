/// A record's drop: reason and a message naming the problem.
struct Rejection: Sendable {
    var reason: DropReason
    var message: String
}
