import Logging
import Synchronization

/// Keeps every line the proxy logs, so tests can check what was (and was not) written.
struct RecordingLogHandler: LogHandler {
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])

        var all: [String] { lines.withLock { $0 } }

        func append(_ line: String) {
            lines.withLock { $0.append(line) }
        }
    }

    let lines: Lines
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    /// When set, each line also says how long after this moment it was logged, and its metadata
    /// (the service a ServiceLifecycle line is about): for logs read only when a test fails.
    var detailedSince: ContinuousClock.Instant?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard let detailedSince else {
            lines.append("\(event.level) \(event.message)")
            return
        }
        let metadata = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.append("+\(ContinuousClock.now - detailedSince) \(event.level) \(event.message) \(metadata)")
    }
}
