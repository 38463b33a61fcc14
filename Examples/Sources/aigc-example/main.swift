// Uses the tokenizer, the normalizer and the corpus builder through `import AIGC` only, and checks each result
// (exit status 1 with a message on any difference), so CI fails if the public API breaks.
import AIGC
import Foundation

func check(_ ok: Bool, _ what: String) {
    if !ok {
        FileHandle.standardError.write(Data("aigc-example: FAILED: \(what)\n".utf8))
        exit(1)
    }
    print("ok: \(what)")
}

do {
    // Tokenizer: named encodings, resolved the same way as every command does. Their vocabularies come from the
    // package's SwiftPM resources (the bundle beside this executable), not from a source checkout: CI runs this
    // binary from a directory of its own after deleting the build directory and its checkouts.
    let found = try VocabLocator.find("cl100k_base.tiktoken").path
    check(found.contains("AIGC_AIGCVocab"), "cl100k_base.tiktoken comes from the package's resource bundle (found at \(found))")
    let tok = try Tokenizer.resolve("cl100k_base")
    let ids = tok.encodeOrdinary("hello world")
    check(ids == [15339, 1917], "cl100k_base encodes \"hello world\" as [15339, 1917] (got \(ids))")
    check(try tok.decodeString(ids) == "hello world", "decoding gives the text back")
    let o200k = try Tokenizer.resolve("o200k_base")
    check(o200k.encodeOrdinary("hello world") == [24912, 2375], "o200k_base encodes \"hello world\" as [24912, 2375]")

    // Normalizer: NFKC then lowercase.
    let normalizer = TextNormalizer(steps: [.form(.nfkc), .lowercase(locale: nil)])
    check(try normalizer.normalize("Ｈｅｌｌｏ ﬁne") == "hello fine", "NFKC + lowercase normalizes full-width text")

    // Corpus builder: two dialogues (one duplicated) into safetensors shards with a manifest.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-example-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("chats.jsonl")
    let chat = #"{"messages":[{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"4."}]}"#
    let other = #"{"messages":[{"role":"user","content":"Name a colour."},{"role":"assistant","content":"Blue."}]}"#
    try Data([chat, other, chat].joined(separator: "\n").utf8).write(to: input)
    var options = CorpusBuildOptions(inputs: [input.path], inputFormat: .openai, outputDir: dir.appendingPathComponent("out").path)
    options.seqLen = 64
    options.progress = false
    let manifest = try CorpusBuilder(options: options, tokenizer: tok).run()
    check(manifest.recordsIn == 3 && manifest.recordsKept == 2, "corpus build keeps 2 of 3 records (got \(manifest.recordsKept) of \(manifest.recordsIn))")
    check(manifest.dropped["exact_duplicate"] == 1, "the repeated dialogue is dropped as an exact duplicate")
} catch {
    FileHandle.standardError.write(Data("aigc-example: \(error)\n".utf8))
    exit(1)
}
