import AIGCAudit
import AIGCCorpus
import AIGCText
import AIGCTokenizer
import Foundation
import Testing

/// Fixtures/audit/planted.jsonl holds problems of every kind, each planted a known number of times
/// (Scripts/make-audit-fixtures.py says which line holds which); the audit must report each count exactly.
@Suite struct PlantedFixtureTests {
    /// Runs the audit with `options` (one thread) and with three threads; the JSON reports must be byte-identical.
    static func runExpectingSameJSONOnThreeThreads(_ options: AuditOptions) throws -> AuditReport {
        var three = options
        three.threads = 3
        let report = try Auditor(options: options).run()
        #expect(try report.jsonData() == Auditor(options: three).run().jsonData())
        return report
    }

    @Test func reportsEveryPlantedCountExactly() throws {
        let r = try Auditor(options: try Fixture.plantedOptions()).run()
        // Volume: 39 lines, one malformed.
        #expect(r.volume.recordsIn == 39)
        #expect(r.volume.malformedRecords == 1)
        #expect(r.volume.documents == 38)
        #expect(r.volume.turns == 76)
        #expect(r.volume.perRole["user"]?.turns == 38)
        #expect(r.volume.perRole["assistant"]?.turns == 38)
        // Text health.
        let h = r.textHealth
        #expect(h.invalidUTF8Documents == 2)
        #expect(h.controlCharacters.bidi == 2)
        #expect(h.controlCharacters.zeroWidth == 1)
        #expect(h.controlCharacters.other == 1)
        #expect(h.replacementCharacterDocuments == 1)
        #expect(h.nfkcWouldChangeDocuments == 1)
        #expect(h.longRunDocuments == 1)
        #expect(h.emptyTurns == 1)
        #expect(h.roleOrderErrors == 1)
        // Duplicates: A ×3 (2 exact), B with CRLF vs LF (1 exact after normalization); museum text + 2 variants
        // (2 near), hiking text + 1 variant (1 near).
        #expect(r.duplicates.exactDuplicates == 3)
        #expect(r.duplicates.nearDuplicates == 3)
        #expect(r.duplicates.clusters == 4)
        #expect(r.duplicates.largestClusters.map(\.size) == [3, 3, 2, 2])
        // PII.
        #expect(r.pii.email == 2)
        #expect(r.pii.phone == 1)
        #expect(r.pii.ip == 2)
        #expect(r.pii.creditCard == 1)
        #expect(r.pii.documents == 4)
        #expect(!r.pii.examples.contains { $0.redacted.contains("example.com") || $0.redacted.contains("4111") })
        // Contamination: 2 documents hit eval item 1, 1 hits item 3.
        let c = try #require(r.contamination)
        #expect(c.evalItems == 3)
        #expect(c.contaminatedDocuments == 3)
        #expect(c.itemsHit.map(\.item) == [Fixture.path("eval.jsonl") + ":1", Fixture.path("eval.jsonl") + ":3"])
        #expect(c.itemsHit.map(\.documents) == [2, 1])
        // Over-long documents.
        let s = try #require(r.seqLen)
        #expect(s.documentsLonger == 2)
        #expect(s.tokensTruncated == UInt64(r.findings.first { $0.kind == "over_seq_len" }!.examples.map {
            Int($0.excerpt.split(separator: " ")[0])! - 100 }.reduce(0, +)))
        // Findings carry file:line of the planted lines.
        func locations(_ kind: String) -> [String] {
            r.findings.first { $0.kind == kind }?.examples.map { String($0.location.split(separator: "/").last!) } ?? []
        }
        #expect(locations("bidi") == ["planted.jsonl:23", "planted.jsonl:24"])
        #expect(locations("zero_width") == ["planted.jsonl:25"])
        #expect(locations("invalid_utf8") == ["planted.jsonl:27", "planted.jsonl:28"])
        #expect(locations("malformed_record") == ["planted.jsonl:34"])
        #expect(locations("exact_duplicate") == ["planted.jsonl:10", "planted.jsonl:11", "planted.jsonl:13"])
        #expect(locations("near_duplicate") == ["planted.jsonl:15", "planted.jsonl:16", "planted.jsonl:18"])
        #expect(locations("contaminated") == ["planted.jsonl:35", "planted.jsonl:36", "planted.jsonl:37"])
        #expect(locations("over_seq_len") == ["planted.jsonl:38", "planted.jsonl:39"])
        // Excerpts make invisible characters visible.
        #expect(r.findings.first { $0.kind == "bidi" }!.examples[0].excerpt.contains("⟨U+202E⟩"))
    }

    @Test func cleanInputReportsNothing() throws {
        var o = try Fixture.plantedOptions()
        o.inputs = [Fixture.path("clean.jsonl")]
        let r = try Auditor(options: o).run()
        #expect(r.volume.documents == 8)
        #expect(r.findings.isEmpty)
        var healthy = TextHealthReport()
        healthy.longRunThreshold = 64
        #expect(r.textHealth == healthy)
        #expect(r.duplicates.exactDuplicates == 0 && r.duplicates.nearDuplicates == 0 && r.duplicates.clusters == 0)
        #expect(r.pii.email + r.pii.phone + r.pii.ip + r.pii.creditCard == 0)
        #expect(r.contamination?.contaminatedDocuments == 0)
        #expect(r.seqLen?.documentsLonger == 0)
        #expect(r.repeatedLines.isEmpty)
    }

    /// The audit's contamination count equals what the corpus builder's decontaminator would drop.
    @Test func contaminationAgreesWithCorpusDecontaminator() throws {
        var d = NGramIndex(n: 13)
        try d.addFile(Fixture.path("eval.jsonl"), normalizer: CorpusBuildOptions.defaultNormalizer)
        let reader = InputReader(paths: [Fixture.path("planted.jsonl")], format: .openai)
        let parser = RecordParser(format: .openai)
        var hit = 0
        while let batch = try reader.nextBatch() {
            for rec in batch.records {
                if let record = parser.parse(Array(batch.storage[rec.range])).record, d.contains(record.texts) { hit += 1 }
            }
        }
        let r = try Auditor(options: try Fixture.plantedOptions()).run()
        #expect(UInt64(hit) == r.contamination?.contaminatedDocuments)
    }

    /// Same JSON bytes for any thread count and batch size.
    @Test func deterministicAcrossThreadsAndBatches() throws {
        var a = try Fixture.plantedOptions(threads: 1)
        a.batchRecords = 4096
        var b = try Fixture.plantedOptions(threads: 3)
        b.batchRecords = 7
        let ja = try Auditor(options: a).run().jsonData()
        let jb = try Auditor(options: b).run().jsonData()
        #expect(ja == jb)
    }

    /// One record per batch on four threads: batches finish out of order all the time, are queued, and are folded
    /// by whichever thread queues the next one due (`Auditor.Pipeline`); the report is still the one-thread one.
    @Test func deterministicWhenBatchesFinishOutOfOrder() throws {
        var a = try Fixture.plantedOptions(threads: 1)
        a.batchRecords = 4096
        let ja = try Auditor(options: a).run().jsonData()
        for _ in 0..<5 {
            var b = try Fixture.plantedOptions(threads: 4)
            b.batchRecords = 1
            #expect(try Auditor(options: b).run().jsonData() == ja)
        }
    }

    /// With one example per kind and tiny batches, kinds saturate early and later batches skip building their
    /// examples: counts and the examples kept are still those of a run that built every example, for any thread
    /// count.
    @Test func saturatedExamplesKeepCountsAndFirstExamples() throws {
        var a = try Fixture.plantedOptions(threads: 1)
        a.batchRecords = 2
        a.examplesPerFinding = 1
        let ra = try PlantedFixtureTests.runExpectingSameJSONOnThreeThreads(a)
        let full = try Auditor(options: try Fixture.plantedOptions(threads: 1)).run()
        #expect(ra.findings.map(\.kind) == full.findings.map(\.kind))
        #expect(ra.findings.map(\.count) == full.findings.map(\.count))
        #expect(ra.findings.contains { $0.count > 1 })
        for (x, y) in zip(ra.findings, full.findings) {
            #expect(x.examples.count == min(1, y.examples.count))
            #expect(x.examples.first?.location == y.examples.first?.location && x.examples.first?.excerpt == y.examples.first?.excerpt)
        }
        #expect(ra.duplicates.largestClusters.map(\.first.excerpt) == full.duplicates.largestClusters.map(\.first.excerpt))
    }

    /// The audit's message-free role-order check agrees with the corpus builder's on every role sequence up to 5.
    @Test func roleOrderCheckAgreesWithRecordCleaner() {
        var sequences: [[Role]] = [[]]
        for _ in 0..<5 { sequences += sequences.filter { $0.count == sequences.last!.count }.flatMap { s in Role.allCases.map { s + [$0] } } }
        #expect(sequences.count == 1 + 3 + 9 + 27 + 81 + 243)
        for roles in sequences {
            let turns = roles.map { Turn(role: $0, content: Array("x".utf8)) }
            #expect(RoleOrder.hasProblem(turns) == (RecordCleaner.roleOrderProblem(turns) != nil), "\(roles)")
        }
        #expect(ProblemKind.allCases.enumerated().allSatisfy { $0.offset == $0.element.ordinal })
        // The report's explanations name option properties (AuditOptions.seqLen), never CLI flags.
        #expect(ProblemKind.allCases.allSatisfy { !$0.message.contains("--") })
        #expect(ProblemKind.overSeqLen.message.contains("AuditOptions.seqLen"))
    }

    /// Same JSON bytes for any thread count also once the frequency summaries overflow (tiny capacity: batch
    /// singletons dropped, pruning), which depends only on the batches the reader cuts.
    @Test func deterministicAcrossThreadsWhenSummariesOverflow() throws {
        var a = try Fixture.plantedOptions(threads: 1)
        a.batchRecords = 3
        a.summaryCapacity = 16
        let ra = try PlantedFixtureTests.runExpectingSameJSONOnThreeThreads(a)
        // The summaries did overflow, and every reported bound is honest against the exact counts.
        let exact = try Auditor(options: try Fixture.plantedOptions(threads: 2)).run()
        #expect(ra.topNgrams.unigrams.contains { $0.error > 0 })
        for (lossy, truths) in [(ra.topNgrams.unigrams, exact.topNgrams.unigrams), (ra.topNgrams.bigrams, exact.topNgrams.bigrams)] {
            for item in lossy {
                if let truth = truths.first(where: { $0.text == item.text }) {
                    #expect(item.count <= truth.count && truth.count <= item.count + item.error)
                }
            }
        }
    }

    /// `text` inputs: the location is the line of the problem within the file.
    @Test func textInputsLocateTheLine() throws {
        let r = try Auditor(options: AuditOptions(inputs: [Fixture.path("notes.txt")], inputFormat: .text)).run()
        #expect(r.volume.documents == 1)
        #expect(r.textHealth.controlCharacters.bidi == 1)
        #expect(r.findings.first { $0.kind == "bidi" }?.examples.first?.location == Fixture.path("notes.txt") + ":4")
    }

    @Test func reportKeysAreStable() throws {
        let r = try Auditor(options: try Fixture.plantedOptions()).run()
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.jsonData())) as? [String: Any])
        #expect(Set(obj.keys) == ["report_version", "tool", "inputs", "options", "volume", "distributions", "seq_len", "text_health",
                                  "duplicates", "pii", "scripts", "tokenizer", "contamination", "top_ngrams", "repeated_lines",
                                  "findings", "corpus"])
        let volume = try #require(obj["volume"] as? [String: Any])
        for k in ["documents", "turns", "bytes", "chars", "tokens"] { #expect(volume[k] != nil) }
        let health = try #require(obj["text_health"] as? [String: Any])
        #expect(health["invalid_utf8_documents"] as? Int == 2)
        #expect((health["control_characters"] as? [String: Int]) == ["bidi": 2, "zero_width": 1, "other": 1])
        let dup = try #require(obj["duplicates"] as? [String: Any])
        #expect(dup["exact_duplicates"] as? Int == 3 && dup["near_duplicates"] as? Int == 3)
        let pii = try #require(obj["pii"] as? [String: Any])
        #expect(pii["email"] as? Int == 2 && pii["phone"] as? Int == 1 && pii["ip"] as? Int == 2 && pii["credit_card"] as? Int == 1)
        #expect((obj["contamination"] as? [String: Any])?["contaminated_documents"] as? Int == 3)
        #expect(obj["corpus"] is NSNull)
    }

    /// Token fit: per-script attribution covers every token; coverage and single-byte share are consistent.
    @Test func tokenizerFitIsConsistent() throws {
        let r = try Auditor(options: try Fixture.plantedOptions()).run()
        let t = try #require(r.tokenizer)
        #expect(t.tokens == r.volume.tokens)
        #expect(r.scripts.reduce(0) { $0 + $1.tokens } == t.tokens)
        #expect(t.idsUsed > 0 && t.vocabularyCoverage == Double(t.idsUsed) / Double(t.vocabularySize))
        #expect(t.singleByteTokens <= t.tokens)
        let latin = try #require(r.scripts.first { $0.script == "Latn" })
        #expect(latin.share > 0.5)
        #expect((latin.tokensPerWord ?? 0) > 0.9 && (latin.tokensPerWord ?? 9) < 2)
        #expect(r.distributions.tokensPerDocument?.sum == t.tokens)
    }
}

@Suite struct EdgeCaseTests {
    /// Tokens that do not spell the text byte for byte (here a tokenizer whose own NFC normalization shortens
    /// "e" + U+0301 to "é", on text the audit left unnormalized) cannot be lined up with the text's scripts: they
    /// all go to the document's dominant script. Where they do line up, digits and spaces go to Common.
    @Test func tokensNotLiningUpGoToTheDominantScript() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("t.jsonl")
        try Data("{\"text\":\"Cafe\\u0301 123 ok\"}\n{\"text\":\"Tea 456 ok\"}\n".utf8).write(to: f)
        var o = AuditOptions(inputs: [f.path], inputFormat: .jsonl)
        o.tokenizer = try Tokenizer(contentsOf: Fixture.root.appendingPathComponent("Fixtures/tokenizer/hf-split.json"))
        o.normalizer = TextNormalizer(steps: [])
        o.threads = 1
        let r = try Auditor(options: o).run()
        let t = try #require(r.tokenizer)
        let latin = try #require(r.scripts.first { $0.script == "Latn" })
        let common = try #require(r.scripts.first { $0.script == "Zyyy" })
        #expect(latin.tokens + common.tokens == t.tokens)
        // Only the second document's "456" (and spaces) is Common: the first document's tokens, which do not add up
        // to its text ("Café" is one byte shorter after the tokenizer's NFC), are all Latin.
        var second = o
        try Data("{\"text\":\"Tea 456 ok\"}\n".utf8).write(to: dir.appendingPathComponent("s.jsonl"))
        second.inputs = [dir.appendingPathComponent("s.jsonl").path]
        let r2 = try Auditor(options: second).run()
        let common2 = try #require(r2.scripts.first { $0.script == "Zyyy" })
        #expect(common2.tokens > 0 && common.tokens == common2.tokens && common.tokenBytes == common2.tokenBytes)
        #expect(latin.tokenBytes + common.tokenBytes == UInt64(Array("Café 123 okTea 456 ok".utf8).count))
    }

    /// A normalizer that fails on a text (here a transliterator ICU does not know) is an error-severity finding,
    /// `normalization_failed`, counted per document: the raw text is never passed off as its normalized form.
    @Test func normalizationFailuresAreFindings() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("n.jsonl")
        try Data("{\"text\":\"Grüße\"}\n{\"text\":\"Größe\"}\n".utf8).write(to: f)
        var o = AuditOptions(inputs: [f.path], inputFormat: .jsonl)
        o.normalizer = TextNormalizer(steps: [.transliterate(id: "No-Such-Transform")])
        o.threads = 1
        let r = try Auditor(options: o).run()
        let finding = try #require(r.findings.first { $0.kind == "normalization_failed" })
        #expect(finding.count == 2 && finding.severity == "error" && finding.examples.first?.location.contains("n.jsonl:1") == true)
    }

    /// Conversations without turns, empty files and whitespace-only lines are counted, never a crash.
    @Test func emptyConversationsAndFiles() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("e.jsonl")
        try Data("{\"messages\":[]}\n   \n{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n".utf8).write(to: f)
        let empty = dir.appendingPathComponent("empty.jsonl")
        try Data().write(to: empty)
        var o = AuditOptions(inputs: [f.path, empty.path], inputFormat: .openai)
        o.tokenizer = try Fixture.cl100k.get()
        let r = try Auditor(options: o).run()
        #expect(r.volume.recordsIn == 2)
        #expect(r.volume.documents == 2)
        #expect(r.volume.turns == 2)
        #expect(r.textHealth.emptyTurns == 1)
        #expect(r.textHealth.roleOrderErrors == 1)
        #expect(r.findings.first { $0.kind == "empty_turn" }?.examples.first?.location == f.path + ":1")
        let none = try Auditor(options: AuditOptions(inputs: [empty.path], inputFormat: .openai)).run()
        #expect(none.volume.documents == 0 && none.findings.isEmpty)
        #expect(HTMLReport.render(none).contains("No problems found"))
    }
}
