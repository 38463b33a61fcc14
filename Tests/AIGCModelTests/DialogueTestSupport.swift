import AIGCFormats
import AIGCModel
import Foundation

/// A toy dialogue language for the fine-tuning and adversarial tests: words 0–7, `<|im_start|>` = 8,
/// `<|im_end|>` = 9, padding `<|endoftext|>` = 10. A conversation is `[8, a, b, 9, 8, a+1, b+1, 9]` (mod 8):
/// the reply (trained, with its end token) is a fixed function of the context.
enum ToyDialogue {
    static let vocab = 11
    static let start: Int32 = 8, end: Int32 = 9, pad: Int32 = 10

    static func conversation(_ a: Int32, _ b: Int32) -> (ids: [Int32], labels: [Int32]) {
        let ids: [Int32] = [start, a, b, end, start, (a + 1) % 8, (b + 1) % 8, end]
        let labels: [Int32] = [-100, -100, -100, -100, -100, (a + 1) % 8, (b + 1) % 8, end]
        return (ids, labels)
    }

    /// Writes `{split}-00000.safetensors` rows of 16 tokens, two conversations per row, and a manifest.
    static func writeCorpus(_ dir: URL, train: [(Int32, Int32)], val: [(Int32, Int32)]) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (split, convs) in [("train", train), ("val", val)] {
            var ids: [Int32] = [], labels: [Int32] = [], pos: [Int32] = [], seg: [Int32] = []
            var i = 0
            var rows = 0
            while i < convs.count {
                for k in 0..<2 {
                    if i + k < convs.count {
                        let c = conversation(convs[i + k].0, convs[i + k].1)
                        ids += c.ids; labels += c.labels; pos += (0..<8).map(Int32.init); seg += [Int32](repeating: Int32(k + 1), count: 8)
                    } else {
                        ids += [Int32](repeating: pad, count: 8); labels += [Int32](repeating: -100, count: 8)
                        pos += (0..<8).map(Int32.init); seg += [Int32](repeating: 0, count: 8)
                    }
                }
                i += 2
                rows += 1
            }
            var w = SafeTensorsWriter()
            try w.add("input_ids", int32s: ids, shape: [rows, 16])
            try w.add("labels", int32s: labels, shape: [rows, 16])
            try w.add("position_ids", int32s: pos, shape: [rows, 16])
            try w.add("segment_ids", int32s: seg, shape: [rows, 16])
            try w.write(to: dir.appendingPathComponent("\(split)-00000.safetensors"))
        }
        let manifest = #"{"special_tokens":{"<|im_start|>":8,"<|im_end|>":9,"<|endoftext|>":10},"tokenizer":{"name":"toy","vocab_size":11}}"#
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("manifest.json"))
    }

    static var allPairs: [(Int32, Int32)] { (0..<8).flatMap { a in (0..<8).map { b in (Int32(a), Int32(b)) } } }

    static func tinyModel(vocab: Int = vocab, seed: UInt64 = 7) throws -> GPTModel {
        try GPTModel(config: GPTConfig(vocabSize: vocab, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16), seed: seed)
    }
}
