import Foundation

/// For `pushcast compare --publish-demo`: a scratch channel in the server's channels folder
/// to which it appends an item now and then, the way a publisher would (each file written
/// aside and renamed into place), and which it removes at the end.
struct DemoPublisher: Sendable {
    let folder: URL
    let channel: String

    var manifest: URL { folder.appendingPathComponent("\(channel).cdf") }
    var contentFolder: URL { folder.appendingPathComponent(channel) }

    /// Writes the manifest with `count` items (1 … count).
    func publish(count: Int) throws {
        try FileManager.default.createDirectory(at: contentFolder, withIntermediateDirectories: true)
        let items = (0..<count).map { index in
            "<ITEM HREF=\"\(channel)/item-\(index + 1).html\"><TITLE>Demo item \(index + 1)</TITLE>"
                + "<ABSTRACT>Published by pushcast compare.</ABSTRACT></ITEM>\n"
        }.joined()
        if count > 0 {
            try write("<p>Demo item \(count)</p>\n", to: contentFolder.appendingPathComponent("item-\(count).html"))
        }
        try write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>Push versus pull (demo)</TITLE>"
                + "<ABSTRACT>A scratch channel for pushcast compare.</ABSTRACT>\n\(items)</CHANNEL>\n",
            to: manifest)
    }

    /// Removes the scratch channel (the server retires it; its log stays readable).
    func remove() {
        try? FileManager.default.removeItem(at: manifest)
        try? FileManager.default.removeItem(at: contentFolder)
    }

    private func write(_ text: String, to target: URL) throws {
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, target.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
        }
    }
}
