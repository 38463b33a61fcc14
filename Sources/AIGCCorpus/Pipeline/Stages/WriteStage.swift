import AIGCCore
import AIGCFormats
import Foundation

/// Stage "write", at the end of a build: the output's last shards, the rejects and the journal (kept by a shard
/// for `merge`, removed by a whole build) are finished, then `manifest.json` — counts, the inputs' hashes and every
/// output file's size and SHA-256 — is checked and written last, atomically: a manifest marks a complete build.
struct WriteStage<T: CorpusTokenizer> {
    let options: CorpusBuildOptions
    let directory: URL
    let renderer: DocumentRenderer<T>

    func finish(_ pack: PackStage, read: ReadStage) throws -> DatasetManifest {
        let tok = renderer.tokenizer
        var manifest = DatasetManifest(tokenizer: .init(name: tok.name, sha256: tok.sha256, vocabularySize: tok.vocabularySize))
        manifest.options = options.manifestOptions
        manifest.specialTokens = renderer.specialIDs
        if options.outputFormat == .nanogpt {
            manifest.tokenDType = NanoGPTBinWriter.needsWide(vocabularySize: tok.vocabularySize) ? "uint32" : "uint16"
        }
        var files = try pack.output.finish()
        if let rejects = pack.rejects { files.append(try rejects.finish()) }
        if pack.sharded { files.append(try pack.journal.finish()) } else { try pack.journal.discard() }
        try pack.keys?.finish()
        manifest.recordsIn = pack.recordsIn
        manifest.recordsKept = pack.kept
        manifest.dropped = Dictionary(uniqueKeysWithValues: pack.dropped.map { ($0.key.rawValue, $0.value) })
        manifest.pii = Dictionary(uniqueKeysWithValues: pack.pii.map { ($0.key.rawValue, $0.value) })
        // Hash shards all read every input: only shard 0 counts blank lines. Plan tasks count their own ranges'.
        let reader = read.reader
        manifest.blankLines = options.inputRanges != nil || options.shardIndex == 0 ? reader.blankLines : 0
        manifest.inputs = reader.fileHashes.map { .init(path: $0.path, bytes: $0.bytes, sha256: $0.sha256) }
        if let ranges = options.inputRanges {
            guard reader.rangeCounts.count == ranges.count else {
                throw AIGCError.io("internal: read \(reader.rangeCounts.count) of \(ranges.count) input ranges")
            }
            manifest.inputRanges = zip(ranges, reader.rangeCounts).map {
                .init(input: $0.input, start: $0.start, end: $0.end, lines: $1.lines, records: $1.records)
            }
        }
        CorpusBuilder<T>.fill(&manifest, stats: pack.output.stats, truncated: pack.truncatedPerSplit, files: files, directory: directory)
        try manifest.validate()
        // A pre-tokenizer regex that gave up (time or stack limit) or a normalizer that failed left ids incomplete:
        // no manifest, no "done".
        try tok.checkPreTokenizer()
        try AtomicFile.write(try manifest.encoded(), to: CorpusLayout.manifestURL(in: directory))
        try? FileManager.default.removeItem(at: BuildCheckpoint.url(in: directory))
        return manifest
    }
}
