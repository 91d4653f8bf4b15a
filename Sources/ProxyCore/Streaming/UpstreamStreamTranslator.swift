/// What every provider's stream translator offers the server: a state machine fed one upstream
/// server-sent event at a time, answering each input with the step the server takes next.
///
/// A translator starts, streams (`consume` answers `.emit`), and ends once it answers `.end`; any
/// input after that answers `.emit([])`. A translator that answers `.emitAndResend` reads the
/// next upstream stream as the continuation of the same reply.
package protocol UpstreamStreamTranslator: Sendable {
    /// `message_start` and a `ping`, sent as soon as the upstream accepted the request.
    mutating func start() -> [AnthropicStreamEvent]
    mutating func consume(_ event: SSEEvent) -> StreamStep
    /// The upstream's stream ended: the closing events, an error when the reply is incomplete, or
    /// a request to send it again.
    mutating func finish() -> StreamStep
    /// An error once the stream began (the upstream's connection failed, or sending the request
    /// again did): an `event: error` frame ends it.
    mutating func fail(_ error: AnthropicError) -> StreamStep
}
