/// What every provider's stream translator offers the server: a state machine fed one upstream
/// server-sent event at a time, returning the Anthropic events to write.
package protocol UpstreamStreamTranslator: Sendable {
    /// The reply is complete (or failed); later input is ignored.
    var isFinished: Bool { get }
    /// `message_start` and a `ping`, sent as soon as the upstream accepted the request.
    mutating func start() -> [AnthropicStreamEvent]
    mutating func consume(_ event: SSEEvent) -> [AnthropicStreamEvent]
    /// The upstream's stream ended: the closing events, or an error when the reply is incomplete.
    mutating func finish() -> [AnthropicStreamEvent]
    /// An error once the stream began: an `event: error` frame ends it.
    mutating func fail(_ error: AnthropicError) -> [AnthropicStreamEvent]
    /// The upstream's reply failed in a way the same request sent again may fix, and the client's
    /// stream can go on with the new reply (Gemini's malformed function calls). When the upstream
    /// stream has ended, the server sends the request again and calls
    /// `continueWithAnotherUpstreamStream()` before feeding the new stream; without a way to send
    /// it again, `finish()` ends the stream with an error.
    var wantsAnotherUpstreamStream: Bool { get }
    mutating func continueWithAnotherUpstreamStream()
}

extension UpstreamStreamTranslator {
    package var wantsAnotherUpstreamStream: Bool { false }
    package mutating func continueWithAnotherUpstreamStream() {}
}
