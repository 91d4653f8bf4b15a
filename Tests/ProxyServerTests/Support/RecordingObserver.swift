import ProxyCore
import ProxyServer
import Synchronization

/// Keeps every request record the proxy hands its observers.
final class RecordingObserver: RequestObserver {
    private let records = Mutex<[RequestRecord]>([])

    var all: [RequestRecord] { records.withLock { $0 } }

    func observe(_ record: RequestRecord) {
        records.withLock { $0.append(record) }
    }

    /// The records once there are `count` of them: a stream's record comes after its client has
    /// read the last byte, so a test may have to wait a moment for it.
    func waitFor(_ count: Int) async throws -> [RequestRecord] {
        for _ in 0..<500 {
            let all = self.all
            if all.count >= count { return all }
            try await Task.sleep(for: .milliseconds(10))
        }
        return all
    }
}
