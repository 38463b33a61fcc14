import AIGC
import ArgumentParser
import Foundation

/// `aigc models list | show | register | remove`: the named-model store (`$AIGC_MODELS`, else ~/.cache/aigc/models).
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, show, register and remove named models ($AIGC_MODELS, else ~/.cache/aigc/models).",
        discussion: """
        A named model is a model directory in the store (config.json, model.safetensors, its tokenizer and \
        aigc-model.json). Every command that takes a model directory (generate, export-hf, finetune --base, \
        adversarial --generator) also takes a name. `aigc pipeline run` registers its model under the config's name.
        """,
        subcommands: [ModelsListCommand.self, ModelsShowCommand.self, ModelsRegisterCommand.self, ModelsRemoveCommand.self]
    )
}
