import Configuration
import Synchronization

/// Notes which provider answered each key a `ConfigReader` was asked for: the first one with a
/// value, which is the one whose value the reader returned.
final class ProvenanceRecorder: AccessReporter, Sendable {
    private let answers = Mutex<[AbsoluteConfigKey: String]>([:])

    func report(_ event: AccessEvent) {
        let answer = event.providerResults.first { (try? $0.result.get().value) != nil }
        answers.withLock { $0[event.metadata.key] = answer?.providerName }
    }

    /// The name of the provider that answered `key`, `nil` when none did.
    func providerName(forKey key: AbsoluteConfigKey) -> String? {
        answers.withLock { $0[key] }
    }
}
