import ProxyCore
import Synchronization

/// A stream sink that sends a `ping` event whenever nothing has been written for `interval`, so a
/// reasoning model that is silent for minutes does not look like a dead stream to the client (or
/// to a load balancer between). Pings stop once the stream has ended.
final class KeepAliveSink: Sendable {
    private struct State {
        var lastWrite = ContinuousClock.now
        var ended = false
    }

    private let sink: StreamSink
    private let interval: Duration
    private let state = Mutex(State())

    init(_ sink: StreamSink, interval: Duration) {
        self.sink = sink
        self.interval = interval
    }

    /// Writes events; after `message_stop` or `error` the stream has ended and no ping follows.
    func write(_ events: [AnthropicStreamEvent]) throws {
        guard !events.isEmpty else { return }
        try state.withLock { state in
            try sink.write(events)
            state.lastWrite = .now
            if events.contains(where: { $0 == .messageStop || $0.isError }) { state.ended = true }
        }
    }

    /// Pings while idle, until the stream ends or the task is cancelled.
    func keepAlive() async {
        while !Task.isCancelled {
            let due = state.withLock { $0.lastWrite } + interval
            do {
                try await Task.sleep(until: due)
            } catch {
                return
            }
            let stop = state.withLock { state -> Bool in
                if state.ended { return true }
                guard ContinuousClock.now - state.lastWrite >= interval else { return false }
                do {
                    try sink.write([.ping])
                } catch {
                    return true
                }
                state.lastWrite = .now
                return false
            }
            if stop { return }
        }
    }
}

extension AnthropicStreamEvent {
    var isError: Bool {
        if case .error = self { return true }
        return false
    }
}
