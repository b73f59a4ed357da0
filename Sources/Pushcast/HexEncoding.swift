extension Sequence where Element == UInt8 {
    /// The bytes as lower-case hex, two digits each (digests, ids, ETags).
    public var hexString: String {
        map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
