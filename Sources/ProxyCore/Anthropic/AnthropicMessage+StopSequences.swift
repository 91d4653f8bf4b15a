extension AnthropicMessage {
    /// The reply as it would have been had the upstream stopped at the first of `stopSequences`
    /// in its text (see `StopSequenceMatcher`): the text before it, nothing after, and
    /// `stop_reason: "stop_sequence"`. The upstream's usage stays: it wrote the rest too.
    package func endingAtStopSequence(_ stopSequences: [String]) -> AnthropicMessage {
        guard !stopSequences.isEmpty else { return self }
        for (position, block) in content.enumerated() {
            let text: String
            switch block {
            case .text(let blockText), .citedText(let blockText, citations: _): text = blockText
            default: continue
            }
            var matcher = StopSequenceMatcher(stopSequences)
            guard case .stopped(let before, let sequence) = matcher.feed(text) else { continue }
            var cut = self
            cut.content = Array(content[..<position])
            if !before.isEmpty {
                if case .citedText(_, let citations) = block {
                    cut.content.append(.citedText(before, citations: citations))
                } else {
                    cut.content.append(.text(before))
                }
            }
            cut.stopReason = .stopSequence
            cut.stopSequence = sequence
            return cut
        }
        return self
    }
}
