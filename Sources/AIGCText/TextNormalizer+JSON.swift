import Foundation

/// JSON form of a pipeline. Three shapes are read:
/// - this project's own: `{"steps": [{"type": "form", "form": "nfkc"}, {"type": "lowercase", "locale": "tr"}, …],
///   "invalid_utf8": "replace"}` (step types: form, lowercase, case_fold, strip_accents, remove_control,
///   format_characters, whitespace, newlines, transliterate, replace, strip, prepend, and any HF type below);
/// - an HF normalizer object: `{"type": "Sequence", "normalizers": [...]}` with types NFC, NFD, NFKC, NFKD,
///   Lowercase, StripAccents, Strip, Replace, Prepend, Sequence;
/// - a whole HF `tokenizer.json` (its `normalizer` member; `null` means no steps).
/// Unknown types are an error naming the type and its JSON path.
extension TextNormalizer {
    public init(jsonData data: Data, source: String = "normalizer config") throws {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw NormalizationError.invalidStep("\(source): not valid JSON (\(error.localizedDescription))")
        }
        try self.init(jsonObject: root, source: source)
    }

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NormalizationError.invalidStep("\(url.path): cannot read (\(error.localizedDescription))")
        }
        try self.init(jsonData: data, source: url.path)
    }

    public init(jsonObject root: Any, source: String = "normalizer config") throws {
        self.init()
        if root is NSNull { return }
        guard let obj = root as? [String: Any] else {
            throw NormalizationError.invalidStep("\(source): expected a JSON object")
        }
        if let policy = obj["invalid_utf8"] {
            guard let s = policy as? String, let p = InvalidUTF8Policy(name: s) else {
                throw NormalizationError.invalidStep("\(source): invalid_utf8 must be one of \(InvalidUTF8Policy.namesForMessages)")
            }
            invalidUTF8 = p
        }
        if obj.keys.contains("normalizer") && (obj["model"] != nil || obj["pre_tokenizer"] != nil || obj["version"] != nil) {
            let n = obj["normalizer"] ?? NSNull()
            if n is NSNull { return }
            steps = try Self.parseStep(n, path: "normalizer", source: source)
        } else if let list = obj["steps"] {
            guard let arr = list as? [Any] else { throw NormalizationError.invalidStep("\(source): steps must be an array") }
            for (i, s) in arr.enumerated() { steps += try Self.parseStep(s, path: "steps[\(i)]", source: source) }
        } else if obj["type"] != nil {
            steps = try Self.parseStep(obj, path: "$", source: source)
        } else {
            throw NormalizationError.invalidStep("\(source): expected \"steps\", an HF normalizer (\"type\") or a tokenizer.json")
        }
    }

    static func parseStep(_ any: Any, path: String, source: String) throws -> [NormalizationStep] {
        func fail(_ m: String) -> NormalizationError { .invalidStep("\(source): \(path): \(m)") }
        guard let o = any as? [String: Any] else { throw fail("expected an object") }
        guard let type = o["type"] as? String else { throw fail("missing \"type\"") }
        func str(_ k: String) throws -> String {
            guard let v = o[k] as? String else { throw fail("\(type) needs a string \"\(k)\"") }
            return v
        }
        func bool(_ k: String, _ d: Bool) throws -> Bool {
            guard let v = o[k] else { return d }
            if v is NSNull { return d }
            guard let b = v as? Bool else { throw fail("\"\(k)\" must be true or false") }
            return b
        }
        switch type {
        case "NFC": return [.form(.nfc)]
        case "NFD": return [.form(.nfd)]
        case "NFKC": return [.form(.nfkc)]
        case "NFKD": return [.form(.nfkd)]
        case "Lowercase": return [.lowercase(locale: nil)]
        case "StripAccents": return [.removeNonspacingMarks]
        case "Strip": return [.strip(left: try bool("strip_left", true), right: try bool("strip_right", true))]
        case "Prepend": return [.prepend(try str("prepend"))]
        case "Replace":
            let content = try str("content")
            guard let p = o["pattern"] as? [String: Any] else { throw fail("Replace needs \"pattern\": {\"String\"|\"Regex\": …}") }
            if let s = p["String"] as? String { return [.replace(pattern: .literal(s), content: content)] }
            if let r = p["Regex"] as? String { return [.replace(pattern: .regex(r), content: content)] }
            throw fail("Replace pattern must be {\"String\": …} or {\"Regex\": …}")
        case "Sequence":
            guard let list = o["normalizers"] as? [Any] else { throw fail("Sequence needs \"normalizers\": [...]") }
            var out: [NormalizationStep] = []
            for (i, s) in list.enumerated() { out += try parseStep(s, path: "\(path).normalizers[\(i)]", source: source) }
            return out
        case "form":
            guard let f = NormalizationForm(name: try str("form")) else { throw fail("unknown form (nfc, nfd, nfkc, nfkd, nfkc-cf)") }
            return [.form(f)]
        case "lowercase":
            let loc = o["locale"] as? String
            return [.lowercase(locale: loc)]
        case "case_fold": return [.caseFold(turkic: try bool("turkic", false))]
        case "strip_accents": return [.stripAccents]
        case "remove_control": return [.removeControl]
        case "format_characters":
            let m = (o["mode"] as? String) ?? "remove"
            guard let mode = FormatCharacterMode(rawValue: m) else { throw fail("mode must be \"remove\" or \"report\"") }
            return [.formatCharacters(mode)]
        case "whitespace":
            return [.whitespace(mapSpaces: try bool("map_spaces", true), collapse: try bool("collapse", true),
                                trimLines: try bool("trim", false))]
        case "newlines": return [.newlines]
        case "transliterate": return [.transliterate(id: try str("id"))]
        case "replace":
            let content = try str("content")
            let pattern = try str("pattern")
            return [.replace(pattern: try bool("regex", false) ? .regex(pattern) : .literal(pattern), content: content)]
        case "strip": return [.strip(left: try bool("left", true), right: try bool("right", true))]
        case "prepend": return [.prepend(try str("text"))]
        default:
            throw NormalizationError.invalidStep("\(source): \(path): unsupported normalizer type '\(type)' (supported: NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Replace, Prepend, Sequence, and this project's step types)")
        }
    }

    /// This pipeline in the project's own JSON form (round-trips through `init(jsonData:)`).
    public func jsonObject() -> [String: Any] {
        var arr: [[String: Any]] = []
        for s in steps {
            switch s {
            case .form(let f): arr.append(["type": "form", "form": f.rawValue])
            case .lowercase(let l): var d: [String: Any] = ["type": "lowercase"]; if let l { d["locale"] = l }; arr.append(d)
            case .caseFold(let t): arr.append(["type": "case_fold", "turkic": t])
            case .stripAccents: arr.append(["type": "strip_accents"])
            case .removeNonspacingMarks: arr.append(["type": "StripAccents"])
            case .removeControl: arr.append(["type": "remove_control"])
            case .formatCharacters(let m): arr.append(["type": "format_characters", "mode": m.rawValue])
            case .whitespace(let m, let c, let t): arr.append(["type": "whitespace", "map_spaces": m, "collapse": c, "trim": t])
            case .newlines: arr.append(["type": "newlines"])
            case .transliterate(let id): arr.append(["type": "transliterate", "id": id])
            case .replace(let p, let c):
                switch p {
                case .literal(let s): arr.append(["type": "replace", "pattern": s, "regex": false, "content": c])
                case .regex(let s): arr.append(["type": "replace", "pattern": s, "regex": true, "content": c])
                }
            case .strip(let l, let r): arr.append(["type": "strip", "left": l, "right": r])
            case .prepend(let s): arr.append(["type": "prepend", "text": s])
            }
        }
        return ["steps": arr, "invalid_utf8": invalidUTF8.rawValue]
    }

    /// The HF tokenizers normalizer JSON for this pipeline, when every step has an HF equivalent.
    public func hfNormalizerJSON() -> Any? {
        var list: [[String: Any]] = []
        for s in steps {
            switch s {
            case .form(.nfc): list.append(["type": "NFC"])
            case .form(.nfd): list.append(["type": "NFD"])
            case .form(.nfkc): list.append(["type": "NFKC"])
            case .form(.nfkd): list.append(["type": "NFKD"])
            case .lowercase(nil), .lowercase(""): list.append(["type": "Lowercase"])
            case .removeNonspacingMarks: list.append(["type": "StripAccents"])
            case .strip(let l, let r): list.append(["type": "Strip", "strip_left": l, "strip_right": r])
            case .prepend(let p): list.append(["type": "Prepend", "prepend": p])
            case .replace(.literal(let p), let c): list.append(["type": "Replace", "pattern": ["String": p], "content": c])
            case .replace(.regex(let p), let c): list.append(["type": "Replace", "pattern": ["Regex": p], "content": c])
            default: return nil
            }
        }
        if list.isEmpty { return NSNull() }
        return list.count == 1 ? list[0] : ["type": "Sequence", "normalizers": list]
    }
}
