/// A provider's stream translator that ends the reply at the client's first stop sequence, for an
/// upstream that was not sent them: the text before it goes out, then `stop_reason:
/// "stop_sequence"` with the sequence, and the stream is over (the server closes the upstream's).
/// With no sequences to watch for, every step is the provider's own.
package struct StopSequenceStreamTranslator<Provider: UpstreamStreamTranslator>: UpstreamStreamTranslator {
    private var provider: Provider
    private let stopSequences: [String]
    /// The text block being watched, with its matcher.
    private var watched: (index: Int, matcher: StopSequenceMatcher)?
    /// The watched block's `content_block_start`, held until it has text to show: a reply that
    /// stops at once has no empty text block, which Anthropic refuses in a later request.
    private var heldStart: AnthropicStreamEvent?
    /// `message_start`'s usage: the prompt's, for the usage of a reply cut short.
    private var promptUsage = Usage()
    private var outputCharacters = 0
    private var stopped = false

    package init(_ provider: Provider, stopSequences: [String]) {
        self.provider = provider
        self.stopSequences = stopSequences
    }

    package mutating func start() -> [AnthropicStreamEvent] {
        let events = provider.start()
        for case .messageStart(let message) in events { promptUsage = message.usage }
        return events
    }

    package mutating func consume(_ event: SSEEvent) -> StreamStep {
        if stopSequences.isEmpty { return provider.consume(event) }
        return stopped ? .emit([]) : watch(provider.consume(event))
    }

    package mutating func finish() -> StreamStep {
        if stopSequences.isEmpty { return provider.finish() }
        return stopped ? .emit([]) : watch(provider.finish())
    }

    package mutating func fail(_ error: AnthropicError) -> StreamStep {
        if stopSequences.isEmpty { return provider.fail(error) }
        return stopped ? .emit([]) : watch(provider.fail(error))
    }

    /// `step` with its text watched: the same step, or the reply's end at a stop sequence.
    private mutating func watch(_ step: StreamStep) -> StreamStep {
        switch step {
        case .emit(let events): watch(events) { .emit($0) }
        case .emitAndResend(let events): watch(events) { .emitAndResend($0) }
        case .end(let events, let ending): watch(events) { .end($0, ending) }
        }
    }

    /// `step` made of the events passed on, or the closing step when a stop sequence matched.
    private mutating func watch(_ events: [AnthropicStreamEvent], else step: ([AnthropicStreamEvent]) -> StreamStep) -> StreamStep {
        var passed: [AnthropicStreamEvent] = []
        passed.reserveCapacity(events.count)
        for event in events {
            switch event {
            case .contentBlockStart(let index, .text), .contentBlockStart(let index, .citedText):
                watched = (index, StopSequenceMatcher(stopSequences))
                heldStart = event
            case .contentBlockDelta(let index, .text(let text)) where index == watched?.index:
                switch watched!.matcher.feed(text) {
                case .text(let shown):
                    show(shown, in: index, to: &passed)
                case .stopped(let before, let sequence):
                    show(before, in: index, to: &passed)
                    return stop(at: sequence, after: passed)
                }
            case .contentBlockStop(let index) where index == watched?.index:
                show(watched!.matcher.flush(), in: index, to: &passed)
                passHeldStart(to: &passed)
                watched = nil
                passed.append(event)
            case .contentBlockDelta(let index, _) where index == watched?.index:
                // A citation, before the block's text.
                passHeldStart(to: &passed)
                passed.append(event)
            case .contentBlockDelta(_, .thinking(let text)), .contentBlockDelta(_, .inputJSON(let text)):
                outputCharacters += text.count
                passed.append(event)
            default:
                passed.append(event)
            }
        }
        return step(passed)
    }

    private mutating func show(_ text: String, in index: Int, to passed: inout [AnthropicStreamEvent]) {
        guard !text.isEmpty else { return }
        passHeldStart(to: &passed)
        outputCharacters += text.count
        passed.append(.contentBlockDelta(index: index, delta: .text(text)))
    }

    private mutating func passHeldStart(to passed: inout [AnthropicStreamEvent]) {
        if let start = heldStart { passed.append(start) }
        heldStart = nil
    }

    /// The reply's end at `sequence`, after `passed`: its output estimated from what was shown, as
    /// the upstream's own count never comes.
    private mutating func stop(at sequence: String, after passed: [AnthropicStreamEvent]) -> StreamStep {
        stopped = true
        var closing = passed
        if heldStart == nil, let index = watched?.index { closing.append(.contentBlockStop(index: index)) }
        var usage = promptUsage
        usage.outputTokens = Usage.estimated(inputTokens: 0, outputCharacters: outputCharacters).outputTokens
        closing += [.messageDelta(stopReason: .stopSequence, stopSequence: sequence, usage: usage), .messageStop]
        return .end(closing, .completed(usage))
    }
}
