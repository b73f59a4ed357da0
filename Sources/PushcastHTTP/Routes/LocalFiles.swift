import CDF
import Foundation
import Pushcast

/// A channel's local files on the web: `/channels/<id>/files/<path>` serves a file below
/// `channels/` only if the channel's manifest names it (its own HREF, a section's, an
/// item's, a logo), so nothing else in the folder is ever exposed.
enum LocalFiles {
    /// The URL for a resolved HREF: an http(s) URL as it is, a local path as a files URL.
    static func link(_ href: String, channel: String, publicURL: String) -> String {
        guard !href.contains("://") else { return href }
        let encoded = href.split(separator: "/").map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? String($0)
        }
        return "\(publicURL)/channels/\(channel)/files/" + encoded.joined(separator: "/")
    }

    /// Whether the manifest names `path` as local content.
    static func isNamed(_ path: String, by channel: Channel) -> Bool {
        func inSections(_ sections: [Section]) -> Bool {
            sections.contains { $0.href == path || inSections($0.sections) }
        }
        return channel.href == path || channel.logos.contains { $0.local && $0.href == path }
            || channel.items.contains { $0.local && ($0.href == path || $0.logos.contains { $0.local && $0.href == path }) }
            || inSections(channel.sections)
    }
}
