/// What training does with an input line that is not valid UTF-8. HF's trainer cannot read such a file at all;
/// we skip the line and count it (the default) or stop with an error naming the file, line and byte offset.
public enum InvalidLinePolicy: String, Sendable, CaseIterable, Codable {
    case skip
    case fail
}
