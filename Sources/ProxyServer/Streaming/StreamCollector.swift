import ProxyCore
import Synchronization

/// Gathers a translated stream into its whole message instead of writing it, while the client's
/// own stream (`output`) waits: the upstream's activity keeps that stream's idle timeout away, and
/// its pings go on.
final class StreamCollector: StreamDestination {
    private let output: StreamOutput
    /// Nil once the stream broke the grammar (which a translator does not): no message then.
    private let accumulator = Mutex<StreamAccumulator?>(StreamAccumulator())

    init(beside output: StreamOutput) {
        self.output = output
    }

    /// The stream's message, once it has ended with `message_stop`.
    var message: AnthropicMessage? {
        accumulator.withLock { $0?.finalMessage }
    }

    func write(_ events: [AnthropicStreamEvent]) {
        accumulator.withLock { accumulator in
            do {
                for event in events { try accumulator?.consume(event) }
            } catch {
                accumulator = nil
            }
        }
    }

    func end(_ events: [AnthropicStreamEvent], _ ending: StreamEnding) -> StreamEnding {
        if case .completed = ending { write(events) }
        return ending
    }

    func noteUpstreamActivity() {
        output.noteUpstreamActivity()
    }
}
