import ProxyCore
import Testing

/// Stop sequences the upstream was not sent end the reply in the proxy: the text before the first
/// one, `stop_reason: "stop_sequence"`, whether the sequence arrives whole or in pieces.
@Suite struct StopSequenceEnforcementTests {
    // MARK: - The matcher

    @Test func aSequenceSplitOverPiecesIsHeldBackThenStops() {
        var matcher = StopSequenceMatcher(["END"])
        #expect(matcher.feed("Hello E") == .text("Hello "))
        #expect(matcher.feed("N") == .text(""))
        #expect(matcher.feed("D and more") == .stopped(before: "", sequence: "END"))
    }

    @Test func heldTextThatIsNotASequenceIsPassedOnWithTheNextPieceOrAtTheEnd() {
        var matcher = StopSequenceMatcher(["END"])
        #expect(matcher.feed("ready, E") == .text("ready, "))
        #expect(matcher.feed("xit E") == .text("Exit "))
        #expect(matcher.flush() == "E")
        #expect(matcher.flush() == "")
    }

    @Test(arguments: [
        // The sequence that ends first stops the model, though another started before it.
        (["abcd", "bc"], "xabcd", "xa", "bc"),
        // Two ending at the same place: the longer.
        (["bc", "abc"], "xabc!", "x", "abc"),
        (["\n\nHuman:", "###"], "one\n\nHuman: two ###", "one", "\n\nHuman:"),
        (["本語"], "日本語です", "日", "本語"),
    ] as [([String], String, String, String)])
    func theFirstSequenceToEndWins(sequences: [String], text: String, before: String, sequence: String) {
        var matcher = StopSequenceMatcher(sequences)
        #expect(matcher.feed(text) == .stopped(before: before, sequence: sequence))
    }

    @Test func emptySequencesNeverMatch() {
        var matcher = StopSequenceMatcher(["", "END"])
        #expect(matcher.feed("no stop here") == .text("no stop here"))
    }

    /// However the text is cut into pieces, what is passed on and where it stops is what the whole
    /// text gives at once.
    @Test func piecesGiveWhatTheWholeTextGives() {
        var generator = SeededSplitMix64(seed: 20_261_202)
        let alphabet = ["a", "b", "E", "N", "D", "é", "日", "\n", " "]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let sequences = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                (0..<Int.random(in: 1...3, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            }
            var whole = StopSequenceMatcher(sequences)
            var expected = whole.feed(text)
            if case .text(let passed) = expected { expected = .text(passed + whole.flush()) }
            var pieces = StopSequenceMatcher(sequences)
            var shown = ""
            var outcome: StopSequenceMatcher.Outcome?
            var rest = Substring(text)
            while outcome == nil, !rest.isEmpty {
                let piece = rest.prefix(Int.random(in: 1...5, using: &generator))
                rest = rest.dropFirst(piece.count)
                switch pieces.feed(String(piece)) {
                case .text(let passed): shown += passed
                case .stopped(let before, let sequence): outcome = .stopped(before: shown + before, sequence: sequence)
                }
            }
            #expect((outcome ?? .text(shown + pieces.flush())) == expected, "\(sequences) in \(text.debugDescription)")
        }
    }

    // MARK: - Streams

    private static let usage = ChatCompletion.usage(prompt: 120, completion: 9)

    private func stream(_ chunks: [SSEEvent], stopSequences: [String]) -> (events: [AnthropicStreamEvent], endedEarly: Bool) {
        var translator = StopSequenceStreamTranslator(OpenAIChatStreamTranslator(context: .forTesting()), stopSequences: stopSequences)
        var events = translator.start()
        for chunk in chunks {
            let step = translator.consume(chunk)
            events += step.events
            if step.isEnd { return (events, true) }
        }
        return (events + translator.finish().events, false)
    }

    @Test func aStreamEndsAtTheSequenceWithTheTextBeforeIt() throws {
        let chunks = [
            ChatCompletion.chunk(["role": "assistant", "content": "The answer is 4"]), ChatCompletion.chunk(["content": "2.\nEN"]),
            ChatCompletion.chunk(["content": "D of answer"]), ChatCompletion.chunk(["content": "never shown"], finishReason: "stop"),
            ChatCompletion.usageChunk(Self.usage), ChatCompletion.done,
        ]
        let (events, endedEarly) = stream(chunks, stopSequences: ["END"])
        #expect(endedEarly, "the upstream's stream is left as soon as the sequence is seen")
        let shown = "The answer is 42.\n"
        let usage = Usage(inputTokens: 120, outputTokens: (shown.count + 3) / 4)
        #expect(
            Array(events.dropFirst(2)) == [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("The answer is 4")),
                .contentBlockDelta(index: 0, delta: .text("2.\n")), .contentBlockStop(index: 0),
                .messageDelta(stopReason: .stopSequence, stopSequence: "END", usage: usage), .messageStop,
            ])
        let message = try accumulate(events)
        #expect(message.content == [.text(shown)] && message.stopSequence == "END")
    }

    @Test func aStreamWithoutTheSequenceIsTheProvidersOwnWithHeldTextReleased() throws {
        let chunks = [
            ChatCompletion.chunk(["role": "assistant", "content": "All done, E"]), ChatCompletion.chunk(["content": "xit."], finishReason: "stop"),
            ChatCompletion.usageChunk(Self.usage), ChatCompletion.done,
        ]
        let events = stream(chunks, stopSequences: ["END"]).events
        let message = try accumulate(events)
        var plain = OpenAIChatStreamTranslator(context: .forTesting())
        #expect(message == (try accumulate(plain.start() + plain.translateAll(chunks))))
        #expect(events.contains(.contentBlockDelta(index: 0, delta: .text("All done, "))), "text that cannot start the sequence is not held")
    }

    @Test func aSequenceAtTheStartOfTheTextLeavesNoEmptyBlock() throws {
        let chunks = [
            ChatCompletion.chunk(["role": "assistant", "content": nil, "tool_calls": [ChatCompletion.toolCallDelta(index: 0, id: "call_1", name: "Bash", arguments: "{}")]]),
            ChatCompletion.chunk(["content": "END"]), ChatCompletion.done,
        ]
        var translator = StopSequenceStreamTranslator(OpenAIChatStreamTranslator(context: .forTesting(tools: ["Bash"])), stopSequences: ["END"])
        var events = translator.start()
        for chunk in chunks { events += translator.consume(chunk).events }
        let message = try accumulate(events)
        #expect(message.content == [.toolUse(id: "call_1", name: "Bash", input: [:])])
        #expect(message.stopReason == .stopSequence)
    }

    @Test func withoutSequencesEveryStepIsTheProvidersOwn() {
        let chunks = [ChatCompletion.chunk(["role": "assistant", "content": "END"]), ChatCompletion.chunk([:], finishReason: "stop"), ChatCompletion.done]
        var wrapped = StopSequenceStreamTranslator(OpenAIChatStreamTranslator(context: .forTesting()), stopSequences: [])
        var plain = OpenAIChatStreamTranslator(context: .forTesting())
        #expect(wrapped.start() == plain.start())
        for chunk in chunks { #expect(wrapped.consume(chunk) == plain.consume(chunk)) }
        #expect(wrapped.finish() == plain.finish())
    }

    // MARK: - Whole replies

    @Test func aWholeReplyEndsAtTheSequenceAndKeepsTheUpstreamsUsage() {
        let usage = Usage(inputTokens: 120, outputTokens: 40)
        let reply = AnthropicMessage(
            id: "msg_1", model: "claude-sonnet-4-5",
            content: [.thinking("Think.", signature: "s"), .text("Result: 42\nEND\nmore"), .toolUse(id: "call_1", name: "Bash", input: [:])],
            stopReason: .toolUse, usage: usage)
        let cut = reply.endingAtStopSequence(["END"])
        #expect(cut.content == [.thinking("Think.", signature: "s"), .text("Result: 42\n")])
        #expect(cut.stopReason == .stopSequence && cut.stopSequence == "END" && cut.usage == usage)
        #expect(reply.endingAtStopSequence(["Think"]) == reply, "thinking is not the reply's text")
        #expect(reply.endingAtStopSequence(["Result"]).content == [.thinking("Think.", signature: "s")], "no empty text block")
    }

    @Test func wholeAndStreamedRepliesAgree() throws {
        let text = "Step one.\n###\nStep two."
        let chunks = [ChatCompletion.chunk(["role": "assistant", "content": "Step one.\n#"]), ChatCompletion.chunk(["content": "##\nStep two."], finishReason: "stop"), ChatCompletion.done]
        let streamed = try accumulate(stream(chunks, stopSequences: ["###"]).events)
        let whole = AnthropicMessage(id: streamed.id, model: streamed.model, content: [.text(text)], stopReason: .endTurn, usage: streamed.usage)
        #expect(whole.endingAtStopSequence(["###"]) == streamed)
    }
}
