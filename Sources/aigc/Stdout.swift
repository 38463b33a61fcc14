import AIGC
import Foundation

/// Writes `text` to stdout; a failed write (closed pipe, full disk) is an error, not a trap.
func writeStdout(_ text: String) throws {
    guard !text.isEmpty else { return }
    do { try FileHandle.standardOutput.write(contentsOf: Data(text.utf8)) } catch {
        throw AIGCError.io("stdout: cannot write (\(error.localizedDescription))")
    }
}
