/// The `pushcast subscriptions` table: channel, items pending, how far this reader has
/// read, the channel's status, in aligned columns.
public enum SubscriptionTable {
    public static func render(_ subscriptions: [PushcastAPI.Subscription]) -> String {
        guard !subscriptions.isEmpty else { return "no subscriptions: 'pushcast subscribe ID' adds one" }
        let rows = subscriptions.map { subscription in
            [
                subscription.channel, "\(max(0, subscription.lastSeq - subscription.cursor))",
                "#\(subscription.cursor) of #\(subscription.lastSeq)", subscription.status,
            ]
        }
        let all = [["CHANNEL", "PENDING", "READ UP TO", "STATUS"]] + rows
        let widths = (0..<4).map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            [
                ChannelTable.fit(row[0], widths[0]),
                String(repeating: " ", count: widths[1] - row[1].count) + row[1],
                ChannelTable.fit(row[2], widths[2]), row[3],
            ].joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
