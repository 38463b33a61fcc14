import AIGCCore
import Foundation

/// The small metadata file kept in a model directory (`aigc-model.json`): what a served or named model needs
/// beyond its weights — the tokenizer it speaks, the chat template it was trained with — and where it came from.
///
/// ```json
/// {"format": "aigc-model/1", "name": "aigc-small", "tokenizer": "tokenizer.json", "chat_template": "chatml",
///  "created": "2026-12-06T21:30:00Z", "trained_from": {"corpus": "…", "config_sha256": "…"},
///  "metrics": {"val_loss": 2.31}}
/// ```
/// `tokenizer` is a named encoding (`cl100k_base` …) or a file name relative to the model directory; nil means
/// the directory's own `tokenizer.json` or `meta.json`, if any. `chat_template` is a `ChatTemplate` raw value.
public struct ModelCard: Codable, Sendable, Equatable {
    public static let fileName = "aigc-model.json"
    public static let currentFormat = "aigc-model/1"

    public var format: String = ModelCard.currentFormat
    public var name: String?
    public var tokenizer: String?
    public var chatTemplate: String?
    public var created: String?
    /// Inputs and options the model was trained from (free-form strings: paths, hashes, option values).
    public var trainedFrom: [String: String]
    /// Final metrics (validation loss, perplexity, …).
    public var metrics: [String: Double]

    public init(name: String? = nil, tokenizer: String? = nil, chatTemplate: String? = nil, created: String? = nil,
                trainedFrom: [String: String] = [:], metrics: [String: Double] = [:]) {
        self.name = name
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.created = created
        self.trainedFrom = trainedFrom
        self.metrics = metrics
    }

    enum CodingKeys: String, CodingKey {
        case format, name, tokenizer, created, metrics
        case chatTemplate = "chat_template"
        case trainedFrom = "trained_from"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decodeIfPresent(String.self, forKey: .format) ?? ModelCard.currentFormat
        name = try c.decodeIfPresent(String.self, forKey: .name)
        tokenizer = try c.decodeIfPresent(String.self, forKey: .tokenizer)
        chatTemplate = try c.decodeIfPresent(String.self, forKey: .chatTemplate)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        trainedFrom = try c.decodeIfPresent([String: String].self, forKey: .trainedFrom) ?? [:]
        metrics = try c.decodeIfPresent([String: Double].self, forKey: .metrics) ?? [:]
    }

    /// The card in `directory`, or nil when the directory has none.
    public static func load(directory: URL) throws -> ModelCard? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try FileContents.read(url)
        do {
            let card = try JSONDecoder().decode(ModelCard.self, from: data)
            guard card.format == currentFormat else {
                throw AIGCError.input(location: url.path, message: "format '\(card.format)' is not \(currentFormat)")
            }
            if let t = card.chatTemplate, ChatTemplate(rawValue: t) == nil {
                throw AIGCError.input(location: url.path, message: "chat_template '\(t)' is not one of "
                    + ChatTemplate.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return card
        } catch let e as AIGCError {
            throw e
        } catch {
            throw AIGCError.input(location: url.path, message: "not a model card: \(error)")
        }
    }

    /// Writes the card into `directory` atomically (sorted keys, so the bytes are deterministic).
    public func save(directory: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try AtomicFile.write(try enc.encode(self) + Data("\n".utf8), to: directory.appendingPathComponent(Self.fileName))
    }
}
