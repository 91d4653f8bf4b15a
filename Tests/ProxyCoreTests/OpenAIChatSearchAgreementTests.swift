import ProxyCore
import Testing

/// A search model's answer, received whole or streamed however its annotations arrive, reaches the
/// client as the same message.
@Suite struct OpenAIChatSearchAgreementTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        enum AnnotationDelivery: Sendable {
            /// In one delta of their own before the finishing chunk, as OpenAI sends them.
            case ownDelta
            /// On the delta that carries the last piece of text.
            case withLastText
            /// One per delta, spread over the text's deltas.
            case spread
            /// In one delta, then again in the finishing chunk's delta.
            case repeated
        }

        var name: String
        var text: String?
        var annotations: [JSONValue] = []
        var delivery = AnnotationDelivery.ownDelta
        var refusal: String?
        var usage: JSONValue? = ChatCompletion.usage(prompt: 100, completion: 20)
        /// The blocks both translations must give, so that agreeing on something wrong still fails.
        var blockCount: Int

        var testDescription: String { name }

        var whole: JSONValue {
            let message: JSONValue = [
                "role": "assistant", "content": text.map(JSONValue.string) ?? .null, "refusal": refusal.map(JSONValue.string) ?? .null,
                "annotations": .array(annotations),
            ]
            return ChatCompletion.response(message: message, usage: usage)
        }

        var stream: [SSEEvent] {
            var deltas: [JSONObject] = [["role": "assistant", "content": ""]]
            let pieces = Self.pieces(text ?? "")
            deltas += pieces.map { ["content": .string($0)] }
            switch delivery {
            case .ownDelta, .repeated:
                deltas.append(["annotations": .array(annotations)])
            case .withLastText:
                deltas[deltas.count - 1]["annotations"] = .array(annotations)
            case .spread:
                for (index, annotation) in annotations.enumerated() {
                    let position = min(1 + index, deltas.count - 1)
                    deltas[position]["annotations"] = .array((deltas[position]["annotations"]?.arrayValue ?? []) + [annotation])
                }
            }
            deltas += Self.pieces(refusal ?? "").map { ["refusal": .string($0)] }
            var events = deltas.map { ChatCompletion.chunk(.object($0)) }
            let finishing: JSONValue = delivery == .repeated ? ["annotations": .array(annotations)] : [:]
            events.append(ChatCompletion.chunk(finishing, finishReason: "stop"))
            if let usage { events.append(ChatCompletion.usageChunk(usage)) }
            return events + [ChatCompletion.done]
        }

        /// Pieces of up to five characters, as tokens arrive; a multi-byte character is never split.
        private static func pieces(_ text: String) -> [String] {
            let characters = Array(text)
            return stride(from: 0, to: characters.count, by: 5).map { String(characters[$0..<min($0 + 5, characters.count)]) }
        }
    }

    private static let swiftOrg = OpenAIChatSearchReplyTests.citation("https://www.swift.org/blog/swift-6.3/", "Swift 6.3 Released", 30, 82)
    private static let forums = OpenAIChatSearchReplyTests.citation("https://forums.swift.org/t/swift-6-3", "Swift 6.3 - Announcements", 107, 165)

    static let scenarios: [Scenario] = [
        Scenario(name: "multi-byte answer, annotations in their own delta", text: OpenAIChatSearchReplyTests.answer, annotations: [swiftOrg, forums], blockCount: 7),
        Scenario(
            name: "annotations with the last text", text: OpenAIChatSearchReplyTests.answer, annotations: [swiftOrg, forums], delivery: .withLastText,
            blockCount: 7),
        Scenario(
            name: "annotations spread over the text", text: OpenAIChatSearchReplyTests.answer, annotations: [swiftOrg, forums], delivery: .spread,
            blockCount: 7),
        Scenario(
            name: "annotations sent twice", text: OpenAIChatSearchReplyTests.answer, annotations: [swiftOrg, forums], delivery: .repeated, blockCount: 7),
        Scenario(name: "no annotations", text: "Nothing found worth citing.", blockCount: 3),
        Scenario(name: "no usage reported", text: OpenAIChatSearchReplyTests.answer, annotations: [swiftOrg], usage: nil, blockCount: 5),
        Scenario(name: "refusal", refusal: "I can't help with that.", blockCount: 3),
        Scenario(name: "empty answer", blockCount: 2),
    ]

    @Test(arguments: scenarios)
    func streamAccumulatesToTheWholeTranslation(scenario: Scenario) throws {
        let context = OpenAIChatSearchReplyTests.context()
        let whole = try OpenAIChatResponseTranslator(context: context).translate(scenario.whole)
        var translator = OpenAIChatStreamTranslator(context: context)
        var streamed = try accumulate(translator.translateAll(scenario.stream))
        if scenario.usage == nil {
            // With no usage reported, a stream counts a token per chunk with output; a whole reply
            // can only count characters.
            #expect((1...whole.usage.outputTokens * 4).contains(streamed.usage.outputTokens))
            streamed.usage.outputTokens = whole.usage.outputTokens
        }
        #expect(streamed == whole)
        #expect(whole.content.count == scenario.blockCount)
        #expect(whole.content.first == OpenAIChatSearchReplyTests.serverToolUse())
        #expect(whole.usage.webSearchRequests == 1)
    }
}
