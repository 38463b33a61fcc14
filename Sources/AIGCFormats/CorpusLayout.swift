import Foundation

/// The files of a corpus directory written by `aigc corpus build`, in one place: the builder writes them, and the
/// inspector, merger, audit, pretraining and fine-tuning read them through these names.
///
/// - `manifest.json` (`DatasetManifest`), written last;
/// - safetensors shards `SPLIT-NNNNN.safetensors` (`train-00000.safetensors`, `val-00000.safetensors`, …), each with
///   the tensors `input_ids`, `labels`, `position_ids`, `segment_ids` of shape `[rows, seq_len]`.
public enum CorpusLayout {
    public static let manifestFileName = "manifest.json"

    /// The tensors of a safetensors shard, in the order they are written.
    public static let tensorNames = [inputIDs, labels, positionIDs, segmentIDs]
    public static let inputIDs = "input_ids"
    public static let labels = "labels"
    public static let positionIDs = "position_ids"
    public static let segmentIDs = "segment_ids"

    public static func manifestURL(in directory: URL) -> URL { directory.appendingPathComponent(manifestFileName) }

    /// The manifest of `directory` (errors name the file).
    public static func readManifest(in directory: URL) throws -> DatasetManifest {
        try DatasetManifest.read(from: manifestURL(in: directory))
    }

    /// `train-00000`: a shard's name without extension (split name, five-digit index).
    public static func shardBaseName(split: String, index: Int) -> String {
        split + "-" + String(repeating: "0", count: max(0, 5 - String(index).count)) + String(index)
    }

    /// True for a safetensors shard of `split` (`val-00003.safetensors`).
    public static func isSafeTensorsShard(_ fileName: String, split: String) -> Bool {
        fileName.hasPrefix(split + "-") && fileName.hasSuffix(".safetensors")
    }

    /// True when `directory` holds a safetensors shard of `split` (false when it cannot be listed).
    public static func hasSafeTensorsShards(in directory: URL, split: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).contains { isSafeTensorsShard($0, split: split) }
    }
}
