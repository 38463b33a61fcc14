import Foundation

/// Where an output path leads, decided before anything is written. A regular file (or a path that does not exist
/// yet) is replaced atomically: a temporary sibling, then `rename`. A symlink to a regular file is followed and its
/// target replaced the same way, so the link stays a link. Anything else — a device node (`/dev/null`), a FIFO, a
/// socket, a dangling symlink, any path under `/dev/` or `/proc/` — is written through in place: renaming over it
/// would replace the special file with a regular one.
package enum OutputDestination: Equatable {
    /// Write to a temporary file in the same directory and rename it over this path.
    case atomic(URL)
    /// Open this path for writing (create/truncate) and write in place.
    case writeThrough(URL)

    package static func resolve(_ url: URL) -> OutputDestination {
        let path = url.path
        if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") { return .writeThrough(url) }
        var st = stat()
        guard lstat(path, &st) == 0 else { return .atomic(url) }  // does not exist (yet): created atomically
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return .atomic(url)
        case S_IFLNK:
            guard let real = realpath(path, nil) else { return .writeThrough(url) }  // dangling: create its target
            defer { free(real) }
            let target = String(cString: real)
            var tst = stat()
            if target.hasPrefix("/dev/") || target.hasPrefix("/proc/") { return .writeThrough(url) }
            guard stat(target, &tst) == 0, tst.st_mode & S_IFMT == S_IFREG else { return .writeThrough(url) }
            return .atomic(URL(fileURLWithPath: target))
        default:
            return .writeThrough(url)
        }
    }
}
