import ProxyCore
import Testing

/// The incremental SSE parser: the same events whatever the chunking, every line ending, comments,
/// multi-line data, and a last event without its blank line.
@Suite struct SSEParserTests {
    private func events(_ text: String) -> [SSEEvent] {
        var parser = SSEParser()
        return parser.feed(Array(text.utf8)) + parser.finish()
    }

    private func events(_ bytes: [UInt8], splitAt cuts: [Int]) -> [SSEEvent] {
        var parser = SSEParser()
        var result: [SSEEvent] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            result += parser.feed(bytes[start..<cut])
            start = cut
        }
        return result + parser.finish()
    }

    /// An OpenAI-style stream with every feature the parser handles, multi-byte text included.
    static let richStream = [
        ": keep-alive comment",
        "event: message_start",
        #"data: {"type":"message_start","text":"héllo 世界 😀"}"#,
        "",
        "data: line one",
        "data: line two",
        "data:no space",
        "",
        ":ping",
        "",
        "id: 7",
        "retry: 1000",
        "event: delta",
        "data: {\"d\":1}",
        "",
        "data: [DONE]",
        "",
    ].joined(separator: "\n")

    static let richStreamEvents = [
        SSEEvent(event: "message_start", data: #"{"type":"message_start","text":"héllo 世界 😀"}"#),
        SSEEvent(data: "line one\nline two\nno space"),
        SSEEvent(event: "delta", data: "{\"d\":1}"),
        SSEEvent(data: "[DONE]"),
    ]

    @Test func parsesNamesDataCommentsAndMultiLineData() {
        #expect(events(Self.richStream) == Self.richStreamEvents)
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEndingGivesTheSameEvents(lineEnding: String) {
        let text = Self.richStream.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: lineEnding)
        #expect(events(text) == Self.richStreamEvents)
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func splittingAtEveryByteBoundaryGivesTheSameEvents(lineEnding: String) {
        let text = Self.richStream.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: lineEnding)
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            #expect(events(bytes, splitAt: [cut]) == Self.richStreamEvents, "split at byte \(cut)")
        }
    }

    @Test func feedingOneByteAtATimeGivesTheSameEvents() {
        let bytes = Array(Self.richStream.replacingOccurrencesOfNewline(with: "\r\n").utf8)
        #expect(events(bytes, splitAt: Array(1..<bytes.count)) == Self.richStreamEvents)
    }

    @Test func eventsAreReturnedAsSoonAsTheirBlankLineArrives() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: a\n".utf8)) == [])
        #expect(parser.feed(Array("\n".utf8)) == [SSEEvent(data: "a")])
        #expect(parser.feed(Array("data: b\n\ndata: c\n\n".utf8)) == [SSEEvent(data: "b"), SSEEvent(data: "c")])
        #expect(parser.finish() == [])
    }

    @Test func crlfSplitBetweenChunksIsOneLineEnding() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: a\r".utf8)) == [])
        // The \n completes the \r; only the next \r\n is the blank line.
        #expect(parser.feed(Array("\n".utf8)) == [])
        #expect(parser.feed(Array("\r\n".utf8)) == [SSEEvent(data: "a")])
    }

    @Test func multiByteCharactersSplitAcrossChunksDecodeWhole() {
        let bytes = Array("data: 😀é世\n\n".utf8)
        // Cut inside the emoji (4 bytes from offset 6), inside é and inside 世.
        for cuts in [[7], [8], [9], [11], [13], [7, 8, 9, 11, 13, 14]] {
            #expect(events(bytes, splitAt: cuts) == [SSEEvent(data: "😀é世")], "cuts \(cuts)")
        }
    }

    @Test func finishDeliversALastEventThatMissesItsBlankLine() {
        var parser = SSEParser()
        #expect(parser.feed(Array("event: done\ndata: last".utf8)) == [])
        #expect(parser.finish() == [SSEEvent(event: "done", data: "last")])
        #expect(parser.finish() == [])
    }

    @Test func finishDeliversALastEventThatEndsWithOneNewline() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: x\n".utf8)) == [])
        #expect(parser.finish() == [SSEEvent(data: "x")])
    }

    @Test func finishWithoutDataDeliversNothing() {
        var parser = SSEParser()
        _ = parser.feed(Array("event: lonely\n: comment\nid: 3".utf8))
        #expect(parser.finish() == [])
    }

    @Test func blocksWithoutDataAreNotEvents() {
        #expect(events("event: ping\n\n: comment only\n\nid: 4\n\n") == [])
    }

    @Test func anEventNameDoesNotLeakIntoTheNextEvent() {
        #expect(events("event: first\ndata: 1\n\ndata: 2\n\n") == [SSEEvent(event: "first", data: "1"), SSEEvent(data: "2")])
    }

    @Test func theLastEventLineWins() {
        #expect(events("event: a\nevent: b\ndata: x\n\n") == [SSEEvent(event: "b", data: "x")])
    }

    @Test func onlyOneSpaceAfterTheColonIsRemoved() {
        #expect(events("data:  two spaces\n\n") == [SSEEvent(data: " two spaces")])
        #expect(events("data:\ttab\n\n") == [SSEEvent(data: "\ttab")])
    }

    @Test func emptyDataLinesStillMakeAnEvent() {
        #expect(events("data:\n\n") == [SSEEvent(data: "")])
        #expect(events("data\n\n") == [SSEEvent(data: "")])
        #expect(events("data: a\ndata:\ndata: b\n\n") == [SSEEvent(data: "a\n\nb")])
    }

    @Test func colonsInTheValueAreKept() {
        #expect(events("data: {\"a\":\"b:c\"}\n\n") == [SSEEvent(data: "{\"a\":\"b:c\"}")])
    }

    @Test func unknownFieldsAndFieldsWithOtherCaseAreIgnored() {
        #expect(events("Data: x\nDATA: y\nfoo: bar\ndata: z\n\n") == [SSEEvent(data: "z")])
    }

    @Test func manyBlankLinesBetweenEventsAreHarmless() {
        #expect(events("\n\n\ndata: a\n\n\n\n\r\n\rdata: b\n\n") == [SSEEvent(data: "a"), SSEEvent(data: "b")])
    }

    /// Whatever the chunking, and wherever the event's name comes.
    @Test(arguments: [1, 3, 1000])
    func aParserForSomeEventsReturnsOnlyThose(pieceSize: Int) {
        let stream = Array(
            "event: keep\ndata: 1\n\nevent: drop\ndata: 2\n\ndata: 3\nevent: keep\n\ndata: 4\nevent: drop\n\ndata: unnamed\n\nevent: keep\ndata: 5".utf8)
        var parser = SSEParser(only: ["keep"])
        var result: [SSEEvent] = []
        for start in stride(from: 0, to: stream.count, by: pieceSize) { result += parser.feed(stream[start..<min(start + pieceSize, stream.count)]) }
        result += parser.finish()
        #expect(result == [SSEEvent(event: "keep", data: "1"), SSEEvent(event: "keep", data: "3"), SSEEvent(event: "keep", data: "5")])
    }
}

extension String {
    fileprivate func replacingOccurrencesOfNewline(with lineEnding: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: lineEnding)
    }
}
