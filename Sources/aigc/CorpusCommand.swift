import ArgumentParser

/// `aigc corpus …`: build training tensors from dialogue/text corpora, merge shard outputs, inspect results.
struct CorpusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Build, merge and inspect training corpora (dialogue/text → tokenized, masked, packed tensors).",
        subcommands: [CorpusBuildCommand.self, CorpusPlanCommand.self, CorpusMergeCommand.self, CorpusInspectCommand.self]
    )
}
