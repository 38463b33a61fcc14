import ArgumentParser
import AIGC

/// `--invalid-utf8 replace|skip|fail`, read the same way by every command that reads text (`normalize`,
/// `corpus build`, `train-tokenizer`); older spellings (`drop` for skip) are accepted too.
extension InvalidUTF8Policy: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// The option's names: `--invalid-utf8`, and `--invalid` (the name `normalize` and `train-tokenizer` used first).
let invalidUTF8OptionNames: NameSpecification = [.customLong("invalid-utf8"), .customLong("invalid")]
