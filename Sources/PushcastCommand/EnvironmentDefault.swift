import Foundation

/// Defaults for `serve`'s options from `PUSHCAST_…` environment variables (SPEC §3, §5):
/// a flag on the command line wins, then the variable, then the built-in default.
enum EnvironmentDefault {
    static func string(_ name: String, _ fallback: String) -> String {
        ProcessInfo.processInfo.environment[name] ?? fallback
    }

    /// On when the variable is `1`, `true` or `yes` (any case).
    static func flag(_ name: String) -> Bool {
        ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment[name]?.lowercased() ?? "")
    }

    static func optional(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name]
    }

    static func number<T: LosslessStringConvertible>(_ name: String, _ fallback: T) -> T {
        ProcessInfo.processInfo.environment[name].flatMap(T.init) ?? fallback
    }

    /// The `PUSHCAST_…` variables that are set but do not parse as `T`.
    static func invalid<T: LosslessStringConvertible>(_ names: [String], as type: T.Type) -> [String] {
        names.filter { name in
            guard let value = ProcessInfo.processInfo.environment[name] else { return false }
            return T(value) == nil
        }
    }
}
