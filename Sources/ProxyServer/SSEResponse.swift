import Hummingbird
import ProxyCore

extension HTTPFields {
    /// Headers of an event stream, as Anthropic sends them.
    static func eventStream(upstreamModel: String) -> HTTPFields {
        [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache",
            .upstreamModel: upstreamModel,
        ]
    }
}

/// What a finished stream reports to the access log.
struct StreamOutcome: Sendable {
    var usage: Usage?
    var error: AnthropicError?

    mutating func record(_ events: [AnthropicStreamEvent]) {
        for event in events {
            switch event {
            case .messageDelta(_, _, let usage): self.usage = usage
            case .error(let error): self.error = error
            default: continue
            }
        }
    }
}
