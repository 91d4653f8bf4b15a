import Synchronization

/// Answers worked out once per key and kept, for work that every request would otherwise repeat
/// (routing a model name, looking up its prices, finding its metrics). Past `capacity` keys all
/// are forgotten at once: only clients inventing names get there, and they then pay what every
/// request paid before.
package final class BoundedCache<Value: Sendable>: Sendable {
    private let capacity: Int
    private let values = Mutex<[String: Value]>([:])

    package init(capacity: Int) {
        self.capacity = capacity
    }

    package func value(for key: String) -> Value? {
        values.withLock { $0[key] }
    }

    package func keep(_ value: Value, for key: String) {
        values.withLock { values in
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
    }

    /// The value kept for `key`, or the one `make` works out (then kept).
    package func value(for key: String, orMake make: () -> Value) -> Value {
        if let known = value(for: key) { return known }
        let made = make()
        keep(made, for: key)
        return made
    }

    /// How many keys are kept, for tests.
    package var count: Int { values.withLock { $0.count } }
}
