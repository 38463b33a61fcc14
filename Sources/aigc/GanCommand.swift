import ArgumentParser
import AIGC

/// `aigc gan …`: the classic MLP GAN on real vectors.
struct GanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan",
        abstract: "The classic MLP GAN (Goodfellow et al. 2014) on vectors in [0, 1].",
        subcommands: [GanTrainCommand.self]
    )
}

extension GANOptimizerKind: ExpressibleByArgument {}
extension GANGeneratorLoss: ExpressibleByArgument {}
extension GANGemm: ExpressibleByArgument {}
