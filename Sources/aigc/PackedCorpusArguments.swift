import ArgumentParser
import AIGC
import Foundation

/// `--train`, `--val` and `--out` of the commands that train on a built corpus's packed conversations
/// (`aigc finetune`, `aigc adversarial`), and how they open its splits.
struct PackedCorpusArguments: ParsableArguments {
    @Option(help: "Corpus directory (aigc corpus build --output-format safetensors); its train-*.safetensors are used.")
    var train: String
    @Option(help: "Corpus directory whose val-*.safetensors are the validation set (default: --train's).")
    var val: String?
    @Option(help: "Output directory.")
    var out: String

    func trainCorpus() throws -> PackedCorpus {
        try PackedCorpus(directory: URL(fileURLWithPath: train), split: "train")
    }

    /// The validation split: `--val`'s, else `--train`'s when that directory has one, else nil.
    func optionalValCorpus() throws -> PackedCorpus? {
        if val == nil && !CorpusLayout.hasSafeTensorsShards(in: URL(fileURLWithPath: train), split: "val") { return nil }
        return try valCorpus()
    }

    /// The validation split of `--val` (default: `--train`); an error names the directory when it has none.
    func valCorpus() throws -> PackedCorpus {
        try PackedCorpus(directory: URL(fileURLWithPath: val ?? train), split: "val")
    }
}
