import NIOCore
import ProxyCore
@testable import ProxyServer
import Synchronization
import Testing

/// A conversation's next upstream body is written into its last one's buffer after what the two
/// share, byte for byte what it would be written anew, and a buffer still being sent never changes.
@Suite struct UpstreamBodyBuffersTests {
    /// A first message large enough for its conversation's bodies to be kept (300 KB: each body
    /// takes a buffer of 512 KB).
    private static let opening = message("first", size: 300_000)

    /// A message's kept translation: one array, the same from turn to turn.
    private static func message(_ text: String, size: Int = 1_000) -> [UInt8] {
        Array(#"{"role":"user","content":"\#(text) \#(String(repeating: "ü", count: size / 2))"}"#.utf8)
    }

    /// A body as the writer gives it: its head written anew (equal bytes each turn), the kept
    /// messages with the one separator between them, and its tail written anew.
    private static func body(_ messages: [[UInt8]], head: String = #"{"model":"gpt-4.1","messages":["#) -> WrittenJSON {
        var json = WrittenJSON(Array(head.utf8))
        for (index, message) in messages.enumerated() {
            if index > 0 { json.append(JSONWriter.comma) }
            json.append(message)
        }
        json.append(Array(#"],"stream":false}"#.utf8))
        return json
    }

    private static func address(_ buffer: ByteBuffer) -> UInt {
        buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
    }

    /// Whether `buffer` holds `json`'s bytes (a Boolean, so that a failure does not print them).
    private static func holds(_ buffer: ByteBuffer, _ json: WrittenJSON) -> Bool {
        buffer.readableBytesView.elementsEqual(json.bytes)
    }

    @Test func aLaterTurnIsWrittenIntoTheLastTurnsBufferAfterWhatTheyShare() {
        let buffers = UpstreamBodyBuffers(maximumBytes: 1 << 20)
        // Room for every turn in the first turn's buffer, so that none needs a larger one.
        let first = Self.opening, second = Self.message("second")
        let turns = [
            Self.body([first, second, Self.message("third, marked")]),
            // The breakpoint moved off the third message, which was written anew.
            Self.body([first, second, Self.message("third"), Self.message("fourth, marked")]),
            Self.body([first, second, Self.message("third"), Self.message("fourth"), Self.message("fifth", size: 200)]),
        ]
        var addresses: [UInt] = []
        for turn in turns {
            let buffer = buffers.buffer(for: turn)
            #expect(Self.holds(buffer, turn))
            addresses.append(Self.address(buffer))
        }
        #expect(Set(addresses).count == 1, "each turn was written into the buffer of the one before, no longer sent")
        #expect(buffers.usage.bodies == 1)
    }

    /// How an upstream protocol writes a body around its messages' kept translations.
    enum BodyShape: CaseIterable, Sendable {
        /// OpenAI Chat and Responses: the messages, a separator between them.
        case openAI
        /// Gemini: each message's parts between an opening and a closing that are the same
        /// static arrays in every body (`GeminiRequestTranslator`), one content a message.
        case gemini
    }

    private static let geminiContentOpenings = [Array(#"{"role":"user","parts":["#.utf8), Array(#"{"role":"model","parts":["#.utf8)]
    private static let geminiContentClosing = Array("]}".utf8)

    private static func body(_ messages: [[UInt8]], shape: BodyShape) -> WrittenJSON {
        guard shape == .gemini else { return body(messages) }
        var json = WrittenJSON(Array(#"{"contents":["#.utf8))
        for (index, message) in messages.enumerated() {
            if index > 0 { json.append(JSONWriter.comma) }
            json.append(geminiContentOpenings[index % 2])
            json.append(message)
            json.append(geminiContentClosing)
        }
        json.append(Array(#"],"generationConfig":{"maxOutputTokens":100}}"#.utf8))
        return json
    }

    @Test(arguments: BodyShape.allCases) func sessionsOpeningWithTheSamePromptAreKeptApart(_ shape: BodyShape) {
        let buffers = UpstreamBodyBuffers(maximumBytes: 4 << 20)
        let sessions = ["a", "b"].map { name in [Self.opening, Self.message("reply in session \(name)")] }
        var addresses: [[UInt]] = [[], []]
        for turn in 0..<3 {
            for (index, session) in sessions.enumerated() {
                let body = Self.body(session + (0..<turn).map { Self.message("turn \($0)") }, shape: shape)
                let buffer = buffers.buffer(for: body)
                #expect(Self.holds(buffer, body))
                addresses[index].append(Self.address(buffer))
            }
        }
        #expect(addresses.map { Set($0).count } == [1, 1], "each session's turns were written into its own last body")
        #expect(addresses[0][0] != addresses[1][0], "not known by what every body of the protocol holds alike (Gemini's content openings)")
        #expect(buffers.usage.bodies == 2)
    }

    @Test func aBodyStillBeingSentNeverChanges() {
        let buffers = UpstreamBodyBuffers(maximumBytes: 1 << 20)
        let first = Self.opening, second = Self.message("second")
        let before = Self.body([first, second, Self.message("third")])
        let sending = buffers.buffer(for: before)
        let after = Self.body([first, second, Self.message("third, edited"), Self.message("fourth")])
        let next = buffers.buffer(for: after)
        #expect(Self.holds(sending, before), "the body being sent is as it was")
        #expect(Self.holds(next, after))
        #expect(Self.address(sending) != Self.address(next))
    }

    @Test func aNewHeadARewindAndAShorterBodyAreWrittenFromWhereTheyDiffer() {
        let buffers = UpstreamBodyBuffers(maximumBytes: 1 << 20)
        let messages = [Self.opening] + (1..<6).map { Self.message("message \($0)") }
        let turns = [
            Self.body(messages),
            Self.body(messages, head: #"{"model":"gpt-4.1","max_completion_tokens":100,"messages":["#),
            Self.body(Array(messages.prefix(3)) + [Self.message("another way")]),
            Self.body(Array(messages.prefix(2))),
            Self.body(messages),
        ]
        for turn in turns {
            #expect(Self.holds(buffers.buffer(for: turn), turn))
        }
    }

    @Test func aBodyWrittenWholeOfOneMessageOrSmallIsNotKept() {
        let buffers = UpstreamBodyBuffers(maximumBytes: 1 << 20)
        let whole = WrittenJSON(Self.body([Self.opening]).bytes)
        #expect(Self.holds(buffers.buffer(for: whole), whole))
        #expect(buffers.usage.bodies == 0, "a first turn, written in one piece, is not a conversation's yet")
        #expect(Self.holds(buffers.buffer(for: Self.body([Self.opening])), Self.body([Self.opening])))
        #expect(buffers.usage.bodies == 0, "a conversation of one message is not known by two")
        let small = Self.body([Self.message("first"), Self.message("second")])
        #expect(small.count < UpstreamBodyBuffers.threshold)
        #expect(Self.holds(buffers.buffer(for: small), small))
        #expect(buffers.usage.bodies == 0, "a small body is copied whole each turn")
    }

    /// Four conversations' bodies, each in a buffer of 512 KB, fill 2 MB.
    private static func conversation(_ number: Int) -> [[UInt8]] {
        [message("conversation \(number)", size: 300_000), message("reply \(number)")]
    }

    @Test func aNewcomerTakesOnlyFreeRoomOrThatOfConversationsIdleAMinute() {
        let clock = Mutex(ContinuousClock.now)
        let buffers = UpstreamBodyBuffers(maximumBytes: 2 << 20, now: { clock.withLock { $0 } })
        let conversations = (0..<5).map(Self.conversation)
        var addresses: [UInt] = []
        for messages in conversations.prefix(4) {
            let buffer = buffers.buffer(for: Self.body(messages))
            #expect(buffer.capacity == 512 << 10)
            addresses.append(Self.address(buffer))
        }
        let newcomer = Self.body(conversations[4])
        #expect(Self.holds(buffers.buffer(for: newcomer), newcomer))
        #expect(buffers.usage == (4, 2 << 20), "no room for a fifth: it went from a buffer of its own")
        clock.withLock { $0 += .seconds(30) }
        let goingOn = Self.body(conversations[0] + [Self.message("next")])
        #expect(Self.address(buffers.buffer(for: goingOn)) == addresses[0], "a conversation going on keeps its room")
        clock.withLock { $0 += .seconds(31) }
        #expect(Self.holds(buffers.buffer(for: newcomer), newcomer))
        #expect(buffers.usage == (2, 1 << 20), "the conversations idle for a minute made room for the newcomer")
    }

    @Test func aConversationGoingOnPastTheBoundMakesTheLeastRecentlyUsedGo() {
        let clock = Mutex(ContinuousClock.now)
        let buffers = UpstreamBodyBuffers(maximumBytes: 2 << 20, now: { clock.withLock { $0 } })
        let conversations = (0..<4).map(Self.conversation)
        for messages in conversations {
            clock.withLock { $0 += .seconds(1) }
            _ = buffers.buffer(for: Self.body(messages))
        }
        clock.withLock { $0 += .seconds(1) }
        let grown = Self.body(conversations[2] + [Self.message("a long answer", size: 300_000)])
        let buffer = buffers.buffer(for: grown)
        #expect(Self.holds(buffer, grown))
        #expect(buffer.capacity == 1 << 20)
        #expect(buffers.usage == (3, 2 << 20), "the least recently used conversation went")
        let first = Self.body(conversations[0] + [Self.message("next")])
        _ = buffers.buffer(for: first)
        #expect(buffers.usage.bodies == 3, "the first conversation, gone, found no room")
    }
}
