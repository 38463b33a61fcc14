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
            EncodeCommand.self,
            DecodeCommand.self,
            CountCommand.self,
            TrainTokenizerCommand.self,
            ConvertTokenizerCommand.self,
            CorpusCommand.self,
            AuditCommand.self,
            PretrainCommand.self,
            GenerateCommand.self,
            ExportHFCommand.self,
            FinetuneCommand.self,
            GanCommand.self,
            AdversarialCommand.self,
            ServeCommand.self,
        ]
    )
}
