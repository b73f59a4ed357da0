/// Links from manifests are untrusted: only an http(s) URL without spaces or control
/// characters becomes an `href` or `src` on a page, so `javascript:` and `data:` links,
/// and anything odd, are shown as text instead.
enum WebLink {
    static func checked(_ link: String) -> String? {
        let lowered = link.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), link.count <= 2048,
            !link.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
        else { return nil }
        return link
    }
}
