import ArgumentParser
import AIGC
import Foundation

/// The command line between the shell and swift-argument-parser: two rules that apply to every command's options,
/// kept here instead of in each command.
enum CommandLineArguments {
    /// `--flag -5` becomes `--flag=-5`. swift-argument-parser reads a word starting with `-` as an option name, so
    /// a negative number given as a value was reported as "Missing value for '--flag'"; attached with `=` it is
    /// parsed as a value and then refused by the option's own range check with a message naming the flag and value.
    static func prepared(_ args: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(args.count)
        var afterTerminator = false
        for a in args {
            if a == "--" { afterTerminator = true }
            if !afterTerminator, isNegativeNumber(a), let prev = out.last, prev.hasPrefix("--"), prev.count > 2, !prev.contains("=") {
                out[out.count - 1] = prev + "=" + a
                continue
            }
            out.append(a)
        }
        return out
    }

    /// `-5`, `-0.5`, `-1e-3`, `-.5`, `-inf`, `-nan`.
    static func isNegativeNumber(_ s: String) -> Bool {
        guard s.count >= 2, s.first == "-" else { return false }
        let body = s.dropFirst()
        if ["inf", "infinity", "nan"].contains(body.lowercased()) { return true }
        guard let c = body.first, c.isASCII, c.isNumber || c == "." else { return false }
        return Double(body) != nil
    }

    /// Every floating-point option of a parsed command (options groups included) must be finite: `nan` and `inf`
    /// parse as Doubles but make no sense as a learning rate, a temperature or a probability. Checked once here,
    /// by reflection over the parsed command, so no option can forget it. Refused naming the flag.
    ///
    /// Start-up cost: every new type a dynamic cast or `String(describing:)` meets makes the Swift runtime scan all
    /// ~8,800 protocol conformance records of this binary, so reflecting down every option's value took ~2 ms of
    /// each run (a quarter of `aigc normalize`'s start-up). Type names come from `_typeName` (no protocol lookups),
    /// and an option whose type is built only from standard types that hold no floating-point value
    /// (`nonFloatingTypeNames`: `Option<Optional<String>>`, `Option<Int>`, `Option<Array<String>>` …) is skipped;
    /// every other option (`Double`, `Float`, enums and structs of this project) is still reflected all the way down.
    static func checkFinite(_ command: Any) throws {
        for child in Mirror(reflecting: command).children {
            guard let label = child.label, label.hasPrefix("_") else { continue }
            let typeName = _typeName(type(of: child.value), qualified: false)
            if typeName.hasPrefix("OptionGroup<") {
                for inner in Mirror(reflecting: child.value).children { try checkFinite(Self.unwrapped(inner.value)) }
                continue
            }
            guard typeName.hasPrefix("Option<"), !holdsNoFloatingValue(typeName) else { continue }
            for v in floatingValues(child.value, depth: 0) where !v.isFinite {
                throw AIGCError.usage("--\(kebab(String(label.dropFirst()))) must be a finite number (got \(v))")
            }
        }
    }

    /// Standard types that cannot hold a floating-point value, however nested.
    static let nonFloatingTypeNames: Set<Substring> = ["Option", "Optional", "Array", "String", "Int", "Int64", "Int32",
                                                        "UInt", "UInt64", "UInt32", "Bool"]

    /// True when a type name (`Option<Optional<String>>`) is made only of `nonFloatingTypeNames`.
    static func holdsNoFloatingValue(_ typeName: String) -> Bool {
        typeName.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).allSatisfy { nonFloatingTypeNames.contains($0) }
    }

    /// An option group's stored value (`Parsed.value(X)` → X).
    private static func unwrapped(_ v: Any) -> Any {
        let m = Mirror(reflecting: v)
        if m.displayStyle == .enum, let c = m.children.first { return c.value }
        return v
    }

    private static func floatingValues(_ v: Any, depth: Int) -> [Double] {
        if let d = v as? Double { return [d] }
        if let f = v as? Float { return [Double(f)] }
        guard depth < 6 else { return [] }
        return Mirror(reflecting: v).children.flatMap { floatingValues($0.value, depth: depth + 1) }
    }

    /// swift-argument-parser's default long name of a property: `gLr` → `g-lr`, `topP` → `top-p`.
    static func kebab(_ name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase { if !out.isEmpty { out += "-" }; out += c.lowercased() } else { out.append(c) }
        }
        return out
    }
}
