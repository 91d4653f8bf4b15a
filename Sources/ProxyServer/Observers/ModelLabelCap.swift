import Synchronization

/// Keeps the `model` label's values few: a client can send any model name that routes somewhere
/// (`openai/anything`), and every distinct value is a series the registry keeps for the process's
/// life. The first `limit` names seen are kept as they are; later ones, and names too long to be a
/// model's, read `other`.
final class ModelLabelCap: Sendable {
    static let other = "other"
    /// Longer than any real model name, short enough that a hundred of them stay small.
    static let maximumLength = 128

    let limit: Int
    private let seen = Mutex<Set<String>>([])

    init(limit: Int) {
        self.limit = limit
    }

    /// The label value for `model`.
    func label(_ model: String) -> String {
        guard model.utf8.count <= Self.maximumLength else { return Self.other }
        let kept = seen.withLock { seen in
            if seen.contains(model) { return true }
            guard seen.count < limit else { return false }
            seen.insert(model)
            return true
        }
        return kept ? model : Self.other
    }
}
