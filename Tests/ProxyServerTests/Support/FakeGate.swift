import Synchronization

/// A gate a test opens once it has seen what it waits for: a fake upstream's reply held on it goes
/// on only then, so that the test needs no guess at how long the rest takes on a loaded machine.
final class FakeGate: Sendable {
    private let isOpen = Mutex(false)

    func open() {
        isOpen.withLock { $0 = true }
    }

    /// Waits until the gate is open, or a minute has gone by.
    func wait() async throws {
        let giveUp = ContinuousClock.now + .seconds(60)
        while !isOpen.withLock({ $0 }), ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
