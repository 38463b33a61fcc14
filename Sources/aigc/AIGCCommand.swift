import ArgumentParser
import AIGC
import Foundation

@main
struct AIGCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aigc",
        abstract: "Text and dialogue to training tensors; a small GPT/GAN dialogue model.",
        version: AIGCVersion.string,
        subcommands: [
            NormalizeCommand.self,
            GanCommand.self,
            FinetuneCommand.self,
            AdversarialCommand.self,
            PretrainCommand.self,
            EncodeCommand.self,
            DecodeCommand.self,
            CountCommand.self,
            PretrainCommand.self,
            GenerateCommand.self,
            ExportHFCommand.self,
            TrainTokenizerCommand.self,
            CorpusCommand.self,
            AuditCommand.self,
            GanCommand.self,
            ConvertTokenizerCommand.self,
        ]
    )
}
