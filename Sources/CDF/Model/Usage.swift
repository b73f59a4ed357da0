/// How a client should show an item or channel (CDF `USAGE VALUE=`).
public enum Usage: String, Sendable, Hashable, Codable, CaseIterable {
    case channel = "Channel"
    case email = "Email"
    case none = "NONE"
    case desktopComponent = "DesktopComponent"
    case screenSaver = "ScreenSaver"
    case smartScreen = "SmartScreen"
    case softwareUpdate = "SoftwareUpdate"

    /// Matches a value written in any case (`screensaver`, `SCREENSAVER`).
    public init?(matching value: String) {
        let wanted = value.trimmingASCIIWhitespace().uppercased()
        guard let match = Usage.allCases.first(where: { $0.rawValue.uppercased() == wanted }) else {
            return nil
        }
        self = match
    }
}
