/// How a reply streamed to the client ended: what an observer (the access log, a request record)
/// needs to know, and exactly what the client itself was told.
package enum StreamEnding: Sendable, Equatable {
    /// `message_stop` reached the client; `usage` is what its `message_delta` said.
    case completed(Usage)
    /// The client got `error` as an `event: error`; `usage` is what a `message_delta` before it
    /// said, if one did.
    case failed(AnthropicError, usage: Usage?)
}

extension StreamEnding {
    /// What the client was told of the usage, if anything.
    package var usage: Usage? {
        switch self {
        case .completed(let usage): usage
        case .failed(_, let usage): usage
        }
    }
}
