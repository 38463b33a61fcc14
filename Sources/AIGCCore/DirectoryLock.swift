import Foundation

/// An exclusive lock on an output directory for the life of this object: `flock` on `DIR/.aigc.lock`, so two runs
/// writing the same directory (two `corpus build --output D`, two `pretrain --out D`) cannot interleave their files;
/// the second is refused at once. The kernel releases the lock when the process ends, however it ends, so a killed
/// run never leaves a stale lock behind (the empty lock file itself stays; it is never removed, which would race).
public final class DirectoryLock {
    public static let fileName = ".aigc.lock"
    private let fd: Int32

    /// Creates `directory` if needed and takes its lock; `what` names the command in the error.
    public init(directory: URL, what: String, patience: TimeInterval = 3) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw AIGCError.io("\(directory.path): cannot create (\(error.localizedDescription))")
        }
        let path = directory.appendingPathComponent(Self.fileName).path
        let d = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard d >= 0 else { throw AIGCError.io("\(path): cannot open lock file: \(POSIXFile.reason())") }
        // A holder that is just ending (or a child process between fork and exec, which shares the descriptor for
        // a moment) releases the lock within milliseconds: wait up to `patience` before refusing.
        let deadline = Date().addingTimeInterval(patience)
        while flock(d, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            if e == EWOULDBLOCK && Date() < deadline { usleep(20_000); continue }
            close(d)
            if e == EWOULDBLOCK {
                throw AIGCError.usage("\(directory.path) is being written by another \(what) (it holds \(path)); wait for it or choose another output directory")
            }
            throw AIGCError.io("\(path): cannot lock: \(POSIXFile.reason(e))")
        }
        fd = d
    }

    deinit { close(fd) }  // releases the lock
}
