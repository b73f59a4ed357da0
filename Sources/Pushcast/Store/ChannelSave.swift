import CDF
import Foundation

/// What the store is to remember of a channel after its manifest was read: its file, status
/// and diagnostics, and its new last good manifest (nil keeps the one stored).
public struct ChannelSave: Sendable, Hashable {
    public var file: String
    public var status: ChannelStatus
    public var diagnostics: [Diagnostic]
    public var manifest: StoredManifest?

    public init(file: String, status: ChannelStatus, diagnostics: [Diagnostic], manifest: StoredManifest?) {
        self.file = file
        self.status = status
        self.diagnostics = diagnostics
        self.manifest = manifest
    }

    /// The diagnostics as the stores keep them: a JSON array. Nearly every change has none,
    /// and that is written without an encoder.
    func diagnosticsJSON() throws -> String {
        diagnostics.isEmpty ? "[]" : String(decoding: try JSONEncoder().encode(diagnostics), as: UTF8.self)
    }
}
