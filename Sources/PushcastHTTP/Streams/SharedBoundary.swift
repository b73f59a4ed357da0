import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// A multipart boundary shared by every stream of one channel and kind (a wire format, or
/// live pages, or badges) for the life of the process (SPEC §3.1), so that a part with its
/// delimiter and chunk framing is the same bytes for all of them. Replaced for new streams
/// when a part ever holds it (`Boundaries.replace`).
final class SharedBoundary: Sendable {
    let value: String
    let delimiters: StreamDelimiters
    /// `--boundary`, the bytes no part may hold.
    let marker: [UInt8]

    init(partHeader: String?) {
        value = StreamDelimiters.makeBoundary()
        delimiters = .multipart(boundary: value, partHeader: partHeader)
        marker = Array("--\(value)".utf8)
    }

    /// Whether `bytes` hold the boundary (then they cannot be a part of its streams).
    func occurs(in bytes: ByteBuffer) -> Bool {
        bytes.withUnsafeReadableBytes { haystack in
            marker.withUnsafeBytes { needle in
                guard haystack.count >= needle.count, let start = haystack.baseAddress, let wanted = needle.baseAddress
                else { return false }
                // Each place the first byte occurs (memchr), compared whole (memcmp).
                let last = start + (haystack.count - needle.count)
                var from = start
                while from <= last, let found = memchr(from, Int32(needle[0]), last - from + 1) {
                    if memcmp(found, wanted, needle.count) == 0 { return true }
                    from = UnsafeRawPointer(found) + 1
                }
                return false
            }
        }
    }
}
