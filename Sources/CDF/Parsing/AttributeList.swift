/// The attributes of one element, looked up without regard to case (`HREF`, `href`,
/// `Href` are one name); when a name is written twice, the first one wins.
struct AttributeList: Sendable {
    private var pairs: [(name: String, value: String)] = []

    init(_ raw: [(name: String, value: String)]) {
        for (name, value) in raw {
            let upper = name.uppercased()
            if !pairs.contains(where: { $0.name == upper }) { pairs.append((upper, value)) }
        }
    }

    /// The value of the attribute named `name` (given in upper case).
    subscript(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// The value of the first of `names` that is present.
    func first(of names: String...) -> String? {
        names.lazy.compactMap { self[$0] }.first
    }
}
