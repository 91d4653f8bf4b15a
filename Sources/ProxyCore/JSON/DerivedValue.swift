import Synchronization

/// What a later step made of a parsed value (a request's message, decoded), kept beside it: an
/// element of a conversation that `ConversationPrefixCache` keeps carries its own to every later
/// turn that reuses it, so the step is not done again for it. Set by whichever request first
/// needs it; the value is a function of the element's bytes alone, so any request may.
package final class DerivedValue: Sendable {
    private let stored = Mutex<(any Sendable)?>(nil)

    package init() {}

    /// What was kept, when it is a `T`.
    package func get<T: Sendable>(_ type: T.Type) -> T? {
        stored.withLock { $0 as? T }
    }

    package func set(_ value: some Sendable) {
        stored.withLock { $0 = value }
    }
}
