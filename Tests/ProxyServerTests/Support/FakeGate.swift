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
        try await waitUntil { isOpen.withLock { $0 } }
    }
}

/// Waits until `condition` holds, looking every 10 ms, or a minute has gone by: how a fake
/// upstream's reply waits for what its test is about to see.
func waitUntil(_ condition: () -> Bool) async throws {
    let giveUp = ContinuousClock.now + .seconds(60)
    while !condition(), ContinuousClock.now < giveUp {
        try await Task.sleep(for: .milliseconds(10))
    }
}
