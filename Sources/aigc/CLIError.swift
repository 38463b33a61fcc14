import ArgumentParser
import AIGC
import Foundation

/// Runs a command body, turning every toolkit error into one clear line on stderr and a non-zero exit.
func runCLI(_ body: () async throws -> Void) async throws {
    do {
        try await body()
        // Data printed to stdout is buffered: a full disk or closed pipe shows up here, at the latest.
        try StandardOutput.flush()
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch {
        // Library errors name options by property; the user typed flags (OptionFlags).
        logStderr("aigc: error: \(OptionFlags.rewrite("\(error)"))")
        throw ExitCode(1)
    }
}
