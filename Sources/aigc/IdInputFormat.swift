import ArgumentParser

/// Formats `decode` reads: those of `TokenIdFormat` except npy (an output-only format), so `--help` lists exactly what
/// is accepted.
enum IdInputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, u16, u32
}
