import ArgumentParser
import AIGC
import Foundation

@main
struct AIGCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aigc",
        abstract: "Text and dialogue to training tensors; a small GPT/GAN dialogue model.",
        // The version, then the CPU and the OpenBLAS kernels in use (and who chose them).
        version: AIGCVersion.string + "\n" + OpenBLASRuntime.details,
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
        // Every command starts by taking back the core OpenBLAS's idle workers spin on (see BLASWorkers); the model
        // commands get them back on their first threaded BLAS call. First thing, before parsing: while that thread
        // spins on the other core, the copy-on-write faults of start-up need TLB shootdowns to it (measured, medians
        // of 40: an empty `aigc normalize` took 18.0 ms with the workers stopped in the command body, 13.6 ms with
        // OPENBLAS_NUM_THREADS=1, i.e. no workers at all).
        BLASWorkers.stopIdle()
        // OpenBLAS chose its kernels when it loaded; if it fell back below what this CPU runs, start again with
        // OPENBLAS_CORETYPE set (once; never over the user's own setting). See docs/model.md, "OpenBLAS kernels".
        OpenBLASRuntime.reexecIfNeeded()
        do {
            var command = try parseAsRoot(CommandLineArguments.prepared(Array(CommandLine.arguments.dropFirst())))
            do { try CommandLineArguments.checkFinite(command) } catch {
                logStderr("aigc: error: \(error)")
                exit(withError: ExitCode.validationFailure)
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
}
