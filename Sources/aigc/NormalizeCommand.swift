import ArgumentParser
import AIGC
import Foundation

struct NormalizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Normalize text with ICU (forms, case, accents, controls, whitespace, newlines, transliteration).",
        discussion: """
        Steps given as flags run in this order: --newlines, --remove-control, --remove-format/--report-format, \
        --form, --lowercase/--case-fold, --strip-accents, --collapse-whitespace/--trim, --transliterate. With \
        --config, the file's steps run first. Input is streamed in bounded memory; the output is identical to \
        normalizing each whole file at once.
        """
    )

    @Option(help: "Unicode normalization form: nfc, nfd, nfkc, nfkd, nfkc-cf.")
    var form: String?
    @Flag(help: "ICU full lowercase mapping (see --locale).")
    var lowercase = false
    @Flag(help: "ICU full case folding.")
    var caseFold = false
    @Option(help: "Locale for --lowercase, e.g. tr (Turkish dotless i); tr/az also select Turkic case folding.")
    var locale: String?
    @Flag(help: "Strip accents: decompose, drop nonspacing marks, recompose.")
    var stripAccents = false
    @Flag(help: "Remove control characters except tab and newline.")
    var removeControl = false
    @Flag(help: "Remove format characters (zero-width, bidi controls, BOM, soft hyphen), keeping emoji joiners.")
    var removeFormat = false
    @Flag(help: "Count format characters (reported with --stats) without removing them.")
    var reportFormat = false
    @Flag(help: "Map Unicode spaces to ASCII space and collapse runs of horizontal whitespace.")
    var collapseWhitespace = false
    @Flag(help: "Trim horizontal whitespace at both ends of every line.")
    var trim = false
    @Flag(help: "Newlines: CRLF, CR, U+0085, U+2028, U+2029 become \\n.")
    var newlines = false
    @Option(help: "ICU transform ID, e.g. 'Traditional-Simplified' or 'Any-Latin; Latin-ASCII'.")
    var transliterate: String?
    @Option(help: "Pipeline JSON (this project's steps, an HF normalizer, or a tokenizer.json).")
    var config: String?
    @Option(name: invalidUTF8OptionNames, help: "Invalid UTF-8: replace (with U+FFFD, counted), skip (invalid bytes left out, counted) or fail (error naming the byte offset).")
    var invalid: InvalidUTF8Policy = .replace
    @Option(name: .shortAndLong, help: "Write here (atomically) instead of stdout.")
    var output: String?
    @Option(help: "Worker threads (default: all cores). The output is identical for any value.")
    var threads: Int = Limits.cores
    @Flag(help: "Print statistics to stderr.")
    var stats = false
    @Argument(help: "Input files (default: stdin).")
    var files: [String] = []

    func pipeline() throws -> TextNormalizer {
        var n = TextNormalizer(invalidUTF8: invalid)
        if let config { n = try TextNormalizer(contentsOf: URL(fileURLWithPath: config)); n.invalidUTF8 = invalid }
        if newlines { n.steps.append(.newlines) }
        if removeControl { n.steps.append(.removeControl) }
        if removeFormat && reportFormat { throw ValidationError("--remove-format and --report-format exclude each other") }
        if removeFormat { n.steps.append(.formatCharacters(.remove)) }
        if reportFormat { n.steps.append(.formatCharacters(.report)) }
        if let form {
            guard let f = NormalizationForm(name: form) else {
                throw ValidationError("unknown --form '\(form)' (nfc, nfd, nfkc, nfkd, nfkc-cf)")
            }
            n.steps.append(.form(f))
        }
        let turkic = locale.map { ["tr", "az"].contains($0.lowercased().prefix(2)) } ?? false
        if lowercase && caseFold { throw ValidationError("--lowercase and --case-fold exclude each other") }
        if lowercase { n.steps.append(.lowercase(locale: locale)) }
        if caseFold { n.steps.append(.caseFold(turkic: turkic)) }
        if stripAccents { n.steps.append(.stripAccents) }
        if collapseWhitespace || trim { n.steps.append(.whitespace(mapSpaces: collapseWhitespace, collapse: collapseWhitespace, trimLines: trim)) }
        if let transliterate { n.steps.append(.transliterate(id: transliterate)) }
        return n
    }

    func run() async throws {
        try await runCLI {
            let normalizer = try pipeline()
            let threads = try Limits.threads("--threads", threads)
            let sink = try OutputFile(path: output)
            var total = NormalizationStats()
            let inputs = files.isEmpty ? ["-"] : files
            for path in inputs {
                let input = try InputFile(path: path)
                let size = input.size
                let progress = ProgressReporter("normalize \(path)", total: size.map(Double.init))
                var stream = StreamingNormalizer(normalizer, source: path == "-" ? "<stdin>" : path, chunkSize: 8 << 20, threads: threads)
                // `run` reads into two reused buffers and writes unchanged pieces straight from them.
                try stream.run(read: { buffer in
                    let got = try input.read(into: buffer)
                    progress.advance(by: Double(got))
                    return got
                }, emit: { try sink.write(raw: $0) })
                progress.finish()
                total.add(stream.stats)
            }
            try sink.finish()
            if stats {
                let s = total
                logStderr("bytes_in=\(s.bytesIn) bytes_out=\(s.bytesOut) invalid_utf8_replaced=\(s.invalidUTF8Replaced) control_removed=\(s.controlRemoved) format_removed=\(s.formatRemoved) bidi=\(s.bidiFound) zero_width=\(s.zeroWidthFound) bom=\(s.bomFound) other_format=\(s.otherFormatFound) replacements=\(s.replacements)")
            }
        }
    }
}

