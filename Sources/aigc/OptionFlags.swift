import Foundation

/// Library errors name an option by its property (`CorpusBuildOptions.seqLen must be in 8...16777216 (got 4)`), so
/// they read right to a Swift user; the CLI shows the flag the user typed instead (`--seq-len must be …`). Flags
/// are the kebab-case of the property (`rowsPerShard` → `--rows-per-shard`, `minLR` → `--min-lr`) except where a
/// command spells them otherwise (`exceptions`).
enum OptionFlags {
    /// The option types whose `Type.property` names are rewritten.
    static let types: Set<String> = [
        "CorpusBuildOptions", "CorpusMerger", "AuditOptions", "TrainingOptions", "GPTConfig", "GANConfig",
        "AdversarialOptions", "BPETrainer", "ServeConfiguration",
    ]

    /// Properties whose flag is not their kebab-case.
    static let exceptions: [String: String] = [
        "gradAccumSteps": "--grad-accum", "specialTokens": "--special-token",
        "generatorSteps": "--g-steps", "discriminatorSteps": "--d-steps", "discriminatorPretrainSteps": "--d-pretrain-steps",
        "discriminatorPretrainUntil": "--d-pretrain-until", "discriminatorEvalInterval": "--d-eval-interval",
        "discriminatorLoss": "--d-loss",
        "generatorHidden": "--g-hidden", "discriminatorHidden": "--d-hidden", "generatorEMA": "--g-ema",
        "generatorLR": "--g-lr", "discriminatorLR": "--d-lr", "models": "--model",
    ]

    /// Names that are not `Type.property` but stand for a flag: a function parameter or an enum type whose value
    /// follows.
    static let literals: [(String, String)] = [
        ("Trainer.resume", "--resume"), ("GANDataset.load(tensor:)", "--tensor"), ("TokenStream.Format.", "--data-format "),
        ("TokenIdFormat.", "--format "), ("TokenIdWriter.lines", "--lines"),
    ]

    static func flag(property: String) -> String {
        if let f = exceptions[property] { return f }
        // A capital after a lower-case letter or digit starts a word; a run of capitals is one word (minLR → min-lr).
        var out = "--", prev: Character? = nil
        for c in property {
            if c.isUppercase, let p = prev, p.isLowercase || p.isNumber { out.append("-") }
            out.append(Character(c.lowercased()))
            prev = c
        }
        return out
    }

    /// `message` with every `Type.property` of an option type, and every literal, replaced by its flag
    /// (`give at least one ServeConfiguration.models` → `give at least one --model`).
    static func rewrite(_ message: String) -> String {
        var s = message
        for (name, flag) in literals { s = s.replacingOccurrences(of: name, with: flag) }
        guard types.contains(where: { s.contains($0 + ".") }) else { return s }
        var out = "", i = s.startIndex
        while i < s.endIndex {
            if s[i].isUppercase, i == s.startIndex || !isIdentifier(s[s.index(before: i)]),
               let dot = s[i...].firstIndex(where: { !isIdentifier($0) }), s[dot] == ".", types.contains(String(s[i..<dot])) {
                let start = s.index(after: dot)
                let end = s[start...].firstIndex(where: { !isIdentifier($0) }) ?? s.endIndex
                if start < end, s[start].isLowercase {
                    out += flag(property: String(s[start..<end]))
                    i = end
                    continue
                }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }

    private static func isIdentifier(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
