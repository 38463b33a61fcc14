/// One evaluation item of `--against` as the report names it: `file:line` and the start of its longest text.
struct ContaminationItem: Sendable {
    var location: String
    var excerpt: String
}
