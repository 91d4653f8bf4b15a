/// How a translated or relayed stream ended, as its observers need to know it.
package enum StreamEnding: Sendable, Equatable {
    /// The reply is complete; the usage is what the client was told in `message_delta`.
    case completed(Usage)
    /// The client received this error as an `event: error`; `usage` is what was known by then.
    case failed(AnthropicError, usage: Usage?)
}
