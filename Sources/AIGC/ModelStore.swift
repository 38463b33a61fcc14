import AIGCCore
import Foundation

/// Named models: a directory of model directories, `$AIGC_MODELS` or else `~/.cache/aigc/models/`.
///
/// A model directory holds `config.json` and `model.safetensors` (written by `aigc pretrain`/`finetune`), the
/// tokenizer it speaks (`tokenizer.json`, a nanoGPT `meta.json`, or a named encoding recorded in the card) and
/// `aigc-model.json` (`ModelCard`). Every command that takes a model takes either a path to such a directory or
/// a registered name; `ModelStore.resolve` decides which.
public struct ModelStore: Sendable {
    /// The environment variable that overrides the store's location.
    public static let environmentVariable = "AIGC_MODELS"
    /// Files a model directory must have.
    public static let requiredFiles = ["config.json", "model.safetensors"]
    /// Training-only state that `register` does not copy into the store.
    static let trainingOnlyFiles: Set<String> = ["optimizer.safetensors", "train_state.json"]

    /// One registered model.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var directory: URL
        /// The model's card, nil when it has none.
        public var card: ModelCard?
        /// Why the entry cannot be used (a missing weight file, an unreadable card), nil when it is sound.
        public var problem: String?
    }

    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// The store at `$AIGC_MODELS`, else `~/.cache/aigc/models`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(root: Self.defaultRoot(environment: environment))
    }

    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment[environmentVariable], !dir.isEmpty { return URL(fileURLWithPath: dir, isDirectory: true) }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/aigc/models", isDirectory: true)
    }

    // MARK: names

    /// Throws unless `name` is a usable model name: 1–64 characters from `A-Z a-z 0-9 . _ -`, starting with a
    /// letter or digit, no `..` (so a name is never a path and never leaves the store).
    public static func validate(name: String) throws {
        guard isValid(name: name) else {
            throw AIGCError.usage("'\(name)' is not a valid model name: use 1-64 characters from A-Z a-z 0-9 . _ -, "
                + "starting with a letter or digit, without '..' or '/'")
        }
    }

    public static func isValid(name: String) -> Bool {
        let b = Array(name.utf8)
        guard (1...64).contains(b.count), !name.contains("..") else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        guard alnum(b[0]) else { return false }
        return b.allSatisfy { alnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    // MARK: model directories

    /// Nil when `directory` is a model directory, else the reason it is not.
    public static func problem(with directory: URL) -> String? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir) else { return "no such directory" }
        guard isDir.boolValue else { return "not a directory" }
        let missing = requiredFiles.filter { !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
        if !missing.isEmpty { return "not a model directory (no \(missing.joined(separator: ", ")))" }
        do { _ = try ModelCard.load(directory: directory) } catch { return "\(error)" }
        return nil
    }

    // MARK: resolving

    /// The model directory `nameOrPath` names, in the default store (`$AIGC_MODELS`, else `~/.cache/aigc/models`).
    public static func resolve(_ nameOrPath: String) throws -> URL { try ModelStore().resolve(nameOrPath) }

    /// The model directory `nameOrPath` names: an existing path (a model directory, or a fine-tuning output whose
    /// `best/` is one), else a registered name. An unknown name is an error listing the names that exist.
    public func resolve(_ nameOrPath: String) throws -> URL {
        let path = URL(fileURLWithPath: nameOrPath)
        var isDir: ObjCBool = false
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasPrefix(".") || nameOrPath.hasPrefix("~")
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDir) || looksLikePath {
            if let p = Self.problem(with: path) { throw AIGCError.io("\(nameOrPath): \(p)") }
            return path.standardizedFileURL
        }
        guard Self.isValid(name: nameOrPath) else {
            throw AIGCError.usage("\(nameOrPath): no such model directory, and not a valid model name "
                + "(1-64 characters from A-Z a-z 0-9 . _ -)")
        }
        let dir = root.appendingPathComponent(nameOrPath, isDirectory: true)
        guard FileManager.default.fileExists(atPath: dir.path) else { throw notFound(nameOrPath) }
        if let p = Self.problem(with: dir) { throw AIGCError.io("model '\(nameOrPath)' (\(dir.path)): \(p)") }
        return dir
    }

    /// "no model named …", listing the names that exist.
    private func notFound(_ name: String) -> AIGCError {
        let names = (try? list().map(\.name)) ?? []
        return .usage("no model named '\(name)' in \(root.path) (\(Self.environmentVariable) sets the store); "
            + (names.isEmpty ? "the store is empty" : "models: \(names.joined(separator: ", "))"))
    }

    // MARK: listing

    /// Every registered model, sorted by name (unsound entries included, with their problem).
    public func list() throws -> [Entry] {
        guard FileManager.default.fileExists(atPath: root.path) else { return [] }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: root.path) } catch {
            throw AIGCError.io("\(root.path): cannot list (\(error.localizedDescription))")
        }
        return names.filter(Self.isValid(name:)).sorted().compactMap { name in
            let dir = root.appendingPathComponent(name, isDirectory: true)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else { return nil }
            return entry(name: name, directory: dir)
        }
    }

    /// The registered model `name`.
    public func show(_ name: String) throws -> Entry {
        try Self.validate(name: name)
        let dir = root.appendingPathComponent(name, isDirectory: true)
        guard FileManager.default.fileExists(atPath: dir.path) else { throw notFound(name) }
        return entry(name: name, directory: dir)
    }

    private func entry(name: String, directory: URL) -> Entry {
        let card = try? ModelCard.load(directory: directory)
        return Entry(name: name, directory: directory, card: card ?? nil, problem: Self.problem(with: directory))
    }

    // MARK: changing

    /// Copies the model in `directory` into the store as `name` (every top-level file but the optimizer state),
    /// writing `card` (its `name` set to `name`) as its `aigc-model.json`. An existing model of that name is
    /// replaced only when `replace` is true. The new directory appears whole or not at all.
    @discardableResult
    public func register(_ directory: URL, as name: String, card: ModelCard? = nil, replace: Bool = false) throws -> URL {
        try Self.validate(name: name)
        if let p = Self.problem(with: directory) { throw AIGCError.io("\(directory.path): \(p)") }
        var card = try card ?? ModelCard.load(directory: directory) ?? ModelCard()
        card.name = name
        if let t = card.tokenizer, NamedEncoding.named(t) == nil {
            guard !t.contains("/"), !t.contains(".."),
                  FileManager.default.fileExists(atPath: directory.appendingPathComponent(t).path) else {
                throw AIGCError.input(location: directory.path, message: "the card's tokenizer '\(t)' is neither a named encoding nor a file in the model directory")
            }
        }
        let dest = root.appendingPathComponent(name, isDirectory: true)
        if dest.standardizedFileURL.path == directory.standardizedFileURL.path {
            try card.save(directory: dest)
            return dest
        }
        if FileManager.default.fileExists(atPath: dest.path) && !replace {
            throw AIGCError.usage("a model named '\(name)' already exists in \(root.path) (remove it first, or replace it)")
        }
        let fm = FileManager.default
        do { try fm.createDirectory(at: root, withIntermediateDirectories: true) } catch {
            throw AIGCError.io("\(root.path): cannot create (\(error.localizedDescription))")
        }
        let staging = root.appendingPathComponent(".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for f in try fm.contentsOfDirectory(atPath: directory.path).sorted() where !Self.trainingOnlyFiles.contains(f) && f != ModelCard.fileName {
                let src = directory.appendingPathComponent(f).resolvingSymlinksInPath()
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: src.path, isDirectory: &isDir), !isDir.boolValue else { continue }
                try fm.copyItem(at: src, to: staging.appendingPathComponent(f))
            }
            try card.save(directory: staging)
            if fm.fileExists(atPath: dest.path) {
                let old = root.appendingPathComponent(".\(name).old-\(ProcessInfo.processInfo.processIdentifier)")
                try fm.moveItem(at: dest, to: old)
                try fm.moveItem(at: staging, to: dest)
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: staging, to: dest)
            }
        } catch let e as AIGCError {
            try? fm.removeItem(at: staging)
            throw e
        } catch {
            try? fm.removeItem(at: staging)
            throw AIGCError.io("registering \(directory.path) as '\(name)' in \(root.path): \(error.localizedDescription)")
        }
        return dest
    }

    /// Deletes the registered model `name`.
    public func remove(_ name: String) throws {
        try Self.validate(name: name)
        let dir = root.appendingPathComponent(name, isDirectory: true)
        guard FileManager.default.fileExists(atPath: dir.path) else { throw notFound(name) }
        // Renamed first, so a model is never left half-deleted under its name.
        let trash = root.appendingPathComponent(".\(name).removed-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try FileManager.default.moveItem(at: dir, to: trash)
            try FileManager.default.removeItem(at: trash)
        } catch {
            throw AIGCError.io("\(dir.path): cannot remove (\(error.localizedDescription))")
        }
    }
}
