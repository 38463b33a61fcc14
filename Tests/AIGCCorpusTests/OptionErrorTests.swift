import AIGCCorpus
import Testing

/// Library errors name the option's property, not a CLI flag (the CLI maps properties to its flags).
@Suite struct OptionErrorTests {
    @Test func builderErrorsNameTheProperty() throws {
        var o = CorpusBuildOptions(inputs: ["/dev/null"], inputFormat: .openai, outputDir: "/tmp/unused")
        o.seqLen = 4
        #expect {
            try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer())
        } throws: { e in
            "\(e)" == "CorpusBuildOptions.seqLen must be in 8...16777216 (got 4)"
        }
    }
}
