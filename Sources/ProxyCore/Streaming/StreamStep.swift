/// What a stream translator answers to each input: the events to write, and whether the reply
/// goes on, goes on from the same request sent again, or is over.
package enum StreamStep: Sendable, Equatable {
    /// Write these; the stream goes on.
    case emit([AnthropicStreamEvent])
    /// Write these, then send the same upstream request again and feed its stream to the same
    /// translator: the reply goes on from it, in the same message.
    case emitAndResend([AnthropicStreamEvent])
    /// Write these; the reply is over, and ended as `StreamEnding` says.
    case end([AnthropicStreamEvent], StreamEnding)

    /// The events the step writes, whatever comes after them.
    package var events: [AnthropicStreamEvent] {
        switch self {
        case .emit(let events), .emitAndResend(let events), .end(let events, _): events
        }
    }

    /// This step with its events changed by `transform`, which sees them all, in order.
    package func mappingEvents(_ transform: ([AnthropicStreamEvent]) -> [AnthropicStreamEvent]) -> StreamStep {
        switch self {
        case .emit(let own): .emit(transform(own))
        case .emitAndResend(let own): .emitAndResend(transform(own))
        case .end(let own, let ending): .end(transform(own), ending)
        }
    }

    /// This step with `events` written before its own.
    package func prepending(_ events: [AnthropicStreamEvent]) -> StreamStep {
        guard !events.isEmpty else { return self }
        switch self {
        case .emit(let own): return .emit(events + own)
        case .emitAndResend(let own): return .emitAndResend(events + own)
        case .end(let own, let ending): return .end(events + own, ending)
        }
    }
}
