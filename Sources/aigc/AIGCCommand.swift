import ArgumentParser
import AIGC
import Foundation

@main
struct AIGCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aigc",
        abstract: "Text and dialogue to training tensors; a small GPT/GAN dialogue model.",
        // `aigc --version` is answered in `main` (it adds the CPU and OpenBLAS's kernels, which loads OpenBLAS, and a
        // configuration is built for every command).
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
            ImportHFCommand.self,
            FinetuneCommand.self,
            EvaluateCommand.self,
            AdversarialEvalCommand.self,
            GanCommand.self,
            AdversarialCommand.self,
            ServeCommand.self,
            ModelsCommand.self,
            PipelineCommand.self,
        ]
    )

    /// swift-argument-parser's `main`, with the rules of `CommandLineArguments` applied to every command: negative
    /// numbers as option values, and no NaN or infinity in any floating-point option.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] {
            // The version, then the CPU and the OpenBLAS kernels in use (and who chose them, after the same choice
            // as a model command's).
            if (try? OpenBLASRuntime.load()) != nil { OpenBLASRuntime.reexecIfNeeded() }
            print(AIGCVersion.string + "\n" + OpenBLASRuntime.details)
            return
        }
        do {
            var command = try parseAsRoot(CommandLineArguments.prepared(arguments))
            do { try CommandLineArguments.checkFinite(command) } catch {
                logStderr("aigc: error: \(error)")
                exit(withError: ExitCode.validationFailure)
            }
            if usesOpenBLAS(command) {
                // OpenBLAS is loaded at run time, by the commands that multiply matrices (see CBLAS's loader): the
                // data commands never pay for it. A missing library is an error here, before any work. OpenBLAS
                // chose its kernels when it loaded; if it fell back below what this CPU runs, start again with
                // OPENBLAS_CORETYPE set (once; never over the user's own setting; before the command has read
                // anything). See docs/model.md, "OpenBLAS kernels".
                do { try OpenBLASRuntime.load() } catch {
                    logStderr("aigc: error: \(error)")
                    exit(withError: ExitCode.failure)
                }
                OpenBLASRuntime.reexecIfNeeded()
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    /// The commands that never multiply a matrix (text, tokenizers, corpora, audits, the model registry): they do
    /// not load OpenBLAS. Every other command does, so a new command gets OpenBLAS unless it is listed here.
    /// Compared by type identity (a protocol-conformance check would scan the binary's conformance records).
    static let withoutOpenBLAS: Set<ObjectIdentifier> = [
        ObjectIdentifier(NormalizeCommand.self), ObjectIdentifier(EncodeCommand.self), ObjectIdentifier(DecodeCommand.self),
        ObjectIdentifier(CountCommand.self), ObjectIdentifier(TrainTokenizerCommand.self),
        ObjectIdentifier(ConvertTokenizerCommand.self), ObjectIdentifier(CorpusBuildCommand.self),
        ObjectIdentifier(CorpusPlanCommand.self), ObjectIdentifier(CorpusMergeCommand.self),
        ObjectIdentifier(CorpusInspectCommand.self), ObjectIdentifier(AuditCommand.self),
        ObjectIdentifier(ModelsListCommand.self), ObjectIdentifier(ModelsShowCommand.self),
        ObjectIdentifier(ModelsRegisterCommand.self), ObjectIdentifier(ModelsRemoveCommand.self),
        // The command groups only print their help.
        ObjectIdentifier(AIGCCommand.self), ObjectIdentifier(CorpusCommand.self), ObjectIdentifier(ModelsCommand.self),
        ObjectIdentifier(GanCommand.self),
    ]

    /// `--help` and `help SUBCOMMAND` parse to swift-argument-parser's own commands, which print and never multiply
    /// either: help must work on a machine without OpenBLAS (it is how a user learns what to install).
    static func usesOpenBLAS(_ command: any ParsableCommand) -> Bool {
        let type = type(of: command)
        if String(reflecting: type).hasPrefix("ArgumentParser.") { return false }
        return !withoutOpenBLAS.contains(ObjectIdentifier(type))
    }
}
