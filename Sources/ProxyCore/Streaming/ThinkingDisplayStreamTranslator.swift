/// A stream translator that shows the reply's thinking as the client asked (`thinking.display`).
/// Shown, every step is the provider's own. Omitted, as Anthropic does it: each thinking block
/// opens, gets its signature and closes, but its text is left out; where the client takes them,
/// estimated token counts take the text's place, for a progress indicator. Reasoning that the
/// upstream needs back next turn travels in the block's signature instead (see
/// `ProviderAdapter.omittedThinkingSignature`).
package struct ThinkingDisplayStreamTranslator<Provider: UpstreamStreamTranslator>: WrappingStreamTranslator {
    /// Estimates go out in whole multiples of this many tokens, as Anthropic's do: a coarse hint,
    /// at most one frame for each.
    static var estimateQuantum: Int { 32 }

    /// The thinking block being read.
    private struct OpenBlock {
        let index: Int
        /// Its text, kept only when it travels in the signature.
        var text = ""
        var bytes = 0
        var reportedTokens = 0
        var signed = false
    }

    package var wrapped: Provider
    private let display: MessagesRequest.ThinkingDisplay
    private let signatureForText: (@Sendable (String) -> String)?
    private var open: OpenBlock?

    /// - Parameter signatureForText: the signature that carries an omitted block's text, for a
    ///   block the upstream did not sign; nil when the upstream need not get the text back.
    package init(_ provider: Provider, display: MessagesRequest.ThinkingDisplay, signatureForText: (@Sendable (String) -> String)?) {
        wrapped = provider
        self.display = display
        self.signatureForText = signatureForText
    }

    package mutating func adjusted(_ step: StreamStep) -> StreamStep {
        guard case .omitted(let estimates) = display else { return step }
        return step.mappingEvents { events in omittingText(events, estimates: estimates) }
    }

    private mutating func omittingText(_ events: [AnthropicStreamEvent], estimates: Bool) -> [AnthropicStreamEvent] {
        var shown: [AnthropicStreamEvent] = []
        shown.reserveCapacity(events.count)
        for event in events {
            switch event {
            case .contentBlockStart(let index, .thinking):
                open = OpenBlock(index: index)
                shown.append(event)
            case .contentBlockDelta(let index, .thinking(let text)) where index == open?.index:
                open!.bytes += text.utf8.count
                if signatureForText != nil { open!.text += text }
                guard estimates else { continue }
                let tokens = TokenEstimator.proseTokens(bytes: open!.bytes) / Self.estimateQuantum * Self.estimateQuantum
                if tokens > open!.reportedTokens {
                    shown.append(.contentBlockDelta(index: index, delta: .thinkingEstimate(tokens - open!.reportedTokens)))
                    open!.reportedTokens = tokens
                }
            case .contentBlockDelta(let index, .signature) where index == open?.index:
                open!.signed = true
                shown.append(event)
            case .contentBlockStop(let index) where index == open?.index:
                if let block = open, !block.signed, !block.text.isEmpty, let signatureForText {
                    shown.append(.contentBlockDelta(index: index, delta: .signature(signatureForText(block.text))))
                }
                open = nil
                shown.append(event)
            default:
                shown.append(event)
            }
        }
        return shown
    }
}
