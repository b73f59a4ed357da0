extension Timestamp {
    /// The LASTMOD form CDF files use, `yyyy-mm-ddThh:mm` in UTC, when the moment is a whole
    /// minute; the RFC 3339 form (which the parser also reads) when it has seconds.
    public var lastmodText: String {
        secondsSince1970 % 60 == 0 ? String(description.prefix(16)) : description
    }

    /// The whole minute at or before this moment: what `LASTMOD="now"` is written as.
    public var wholeMinute: Timestamp {
        Timestamp(secondsSince1970: secondsSince1970 - ((secondsSince1970 % 60) + 60) % 60)
    }
}
