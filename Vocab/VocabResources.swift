import Foundation

/// The vocabularies shipped in this directory (`cl100k_base.tiktoken`, `o200k_base.tiktoken`), as SwiftPM
/// resources of the `AIGCVocab` target: SwiftPM copies them into a resource bundle beside the executable (or into
/// an app's resources), so named encodings load with no source checkout at hand. `VocabLocator` searches here
/// after `$AIGC_VOCAB_DIR`.
public enum VocabResources {
    /// The resource bundle's name, as SwiftPM makes it (package name + target name).
    static let bundleName = "AIGC_AIGCVocab"

    /// The directory holding the bundled `.tiktoken` files, or nil when the bundle is not where SwiftPM's
    /// accessor looks (a binary copied without its bundle).
    ///
    /// SwiftPM's generated `Bundle.module` stops the process when its bundle is missing, so the places it looks
    /// first are checked here before it is touched; when none holds the bundle, the caller falls back to its
    /// other search paths instead of trapping.
    public static var directory: URL? {
        let fm = FileManager.default
        let main = Bundle.main
        var places = [main.bundleURL.appendingPathComponent(bundleName + ".resources"),
                      main.bundleURL.appendingPathComponent(bundleName + ".bundle")]
        if let r = main.resourceURL { places.append(r.appendingPathComponent(bundleName + ".bundle")) }
        guard places.contains(where: { fm.fileExists(atPath: $0.path) }) else { return nil }
        let bundle = Bundle.module
        return bundle.resourceURL ?? bundle.bundleURL
    }
}
