import Foundation

/// A horizontal bar chart as inline SVG, drawn by Pushcast itself (no script, no outside
/// assets): one bar per row, on a logarithmic scale when the values span decades.
struct BarChartSVG {
    /// One bar.
    struct Bar {
        var label: String
        var value: Double?
        /// `push` or `pull`: the bar's colour class.
        var kind: String
    }

    var title: String
    var unit: String
    var bars: [Bar]
    var logarithmic: Bool

    static let width = 640.0
    static let labelWidth = 190.0
    static let rowHeight = 26.0

    func render() -> String {
        let values = bars.compactMap(\.value).filter { $0 > 0 }
        let top = values.max() ?? 1
        let bottom = logarithmic ? min(values.min() ?? 1, top / 10) : 0
        let plot = Self.width - Self.labelWidth - 90
        func length(_ value: Double) -> Double {
            guard value > 0, top > 0 else { return 0 }
            guard logarithmic else { return plot * value / top }
            let span = log10(top) - log10(bottom / 2)
            return span > 0 ? plot * (log10(value) - log10(bottom / 2)) / span : plot
        }
        let height = Self.rowHeight * Double(bars.count) + 10
        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\" "
            + "role=\"img\" aria-label=\"\(PageHTML.escape(title))\">"
        for (index, bar) in bars.enumerated() {
            let y = 5 + Double(index) * Self.rowHeight
            svg += "<text x=\"0\" y=\"\(y + 17)\" class=\"chart-label\">\(PageHTML.escape(bar.label))</text>"
            guard let value = bar.value else {
                svg += "<text x=\"\(Self.labelWidth)\" y=\"\(y + 17)\" class=\"chart-value\">no data yet</text>"
                continue
            }
            let barLength = max(length(value), 2)
            svg += "<rect x=\"\(Self.labelWidth)\" y=\"\(y + 4)\" width=\"\(Self.format(barLength))\" height=\"16\" rx=\"3\" "
                + "class=\"bar-\(bar.kind)\"/>"
            svg += "<text x=\"\(Self.format(Self.labelWidth + barLength + 6))\" y=\"\(y + 17)\" class=\"chart-value\">"
                + "\(Self.readable(value)) \(PageHTML.escape(unit))</text>"
        }
        return svg + "</svg>"
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// 0.42, 3.1, 27, 1,250.
    static func readable(_ value: Double) -> String {
        switch value {
        case ..<1: String(format: "%.2f", value)
        case ..<10: String(format: "%.1f", value)
        default: Int(value.rounded()).formatted(.number.grouping(.automatic))
        }
    }
}
