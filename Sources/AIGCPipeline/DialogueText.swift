import AIGC
import Foundation

/// The texts of dialogue (or document) records, one after another, each followed by a newline: what a BPE
/// vocabulary is trained on when the inputs are JSON records (training on the raw lines would learn the JSON
/// syntax around the messages). Records that do not parse are skipped here; the corpus stage counts them.
enum DialogueText {
    static func extract(inputs: [String], format: InputFormat, textField: String, to url: URL) throws {
        let reader = InputReader(paths: inputs, format: format)
        let parser = RecordParser(format: format, textField: textField)
        let writer = try AtomicFileWriter(url: url)
        var buffer: [UInt8] = []
        while let batch = try reader.nextBatch() {
            for r in batch.records {
                guard let record = batch.storage[r.range].withContiguousStorageIfAvailable({ parser.parse($0).record }) ?? parser.parse(Array(batch.storage[r.range])).record else { continue }
                for t in record.texts where !t.isEmpty {
                    buffer += t
                    buffer.append(0x0A)
                }
            }
            try writer.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        try writer.commit()
    }
}
