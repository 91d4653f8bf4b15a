import ProxyCore

/// Where `TranslatedStream` relays a translated upstream stream: the client (`StreamOutput`), or
/// `StreamCollector`, which keeps a stream the client is not shown (a compaction's summary).
protocol StreamDestination: Sendable {
    func write(_ events: [AnthropicStreamEvent]) throws
    /// Takes the stream's last events; returns how it ended.
    func end(_ events: [AnthropicStreamEvent], _ ending: StreamEnding) throws -> StreamEnding
    /// The upstream sent something, which postpones the idle timeout.
    func noteUpstreamActivity()
}

extension StreamOutput: StreamDestination {}
