import Foundation
import PushcastClient

/// `pushcast read --notify`: one desktop notification per item through `notify-send`
/// (libnotify), found on `PATH`. When `notify-send` cannot be started the reader says so
/// (once) and prints the items all the same.
struct DesktopNotifier: Sendable {
    let executable: String

    static func find(path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") -> DesktopNotifier? {
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/notify-send") {
            return DesktopNotifier(executable: "\(folder)/notify-send")
        }
        return nil
    }

    func notify(_ part: MultipartParser.Part) throws {
        let headline = ItemFormatter.headline(part)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--app-name=Pushcast", headline.channel, headline.title]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }
}
