import ProxyCore
import Testing

/// A Gemini reply to a request with a web search, written once and received whole or streamed:
/// its parts, and the grounding and URL context metadata of its candidate.
struct GeminiSearchedReply: Sendable, CustomTestStringConvertible {
    static let redirect = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/"
    static let webSearch = MessagesRequest.ServerTool(kind: .webSearch, type: "web_search_20250305", name: "web_search", maxUses: 8)
    static let webFetch = MessagesRequest.ServerTool(kind: .webFetch, type: "web_fetch_20250910", name: "web_fetch")

    var name: String
    var parts: [JSONValue]
    var groundingMetadata: JSONValue?
    var urlContextMetadata: JSONValue?
    var search: MessagesRequest.ServerTool? = Self.webSearch
    var fetch: MessagesRequest.ServerTool?
    /// The stream sends a first, partial grounding report on a chunk of its own before the finish
    /// (only the queries), and the whole one with the finish, as Gemini may.
    var reportsGroundingTwice = false
    var finishReason = "STOP"
    var usage: JSONValue? = GeminiReply.usage(prompt: 100, candidates: 20)

    var testDescription: String { name }

    var context: GeminiReplyContext {
        var context = GeminiReplyContext.forTesting(tools: ["Bash"])
        context.webSearch = search
        context.webFetch = fetch
        return context
    }

    var whole: JSONValue {
        Self.adding(
            groundingMetadata: groundingMetadata, urlContextMetadata: urlContextMetadata,
            to: GeminiReply.response(parts, finishReason: finishReason, usage: usage))
    }

    /// The parts as `GeminiReply.partResponses` sends them, then the finish with usage and the
    /// metadata.
    var stream: [SSEEvent] {
        var events = GeminiReply.partResponses(parts)
        if reportsGroundingTwice, let queries = groundingMetadata?["webSearchQueries"] {
            events.insert(Self.adding(groundingMetadata: ["webSearchQueries": queries], urlContextMetadata: nil, to: GeminiReply.response([])), at: 1)
        }
        events.append(
            Self.adding(
                groundingMetadata: groundingMetadata, urlContextMetadata: urlContextMetadata,
                to: GeminiReply.response([], finishReason: finishReason, usage: usage)))
        return events.map(GeminiReply.event)
    }

    /// `groundingMetadata` as Gemini writes it; a support's zero start is left out, as proto3 JSON
    /// leaves out zeros.
    static func grounding(
        queries: [String], chunks: [(uri: String, title: String)], supports: [(start: Int, end: Int, text: String, chunks: [Int])]
    ) -> JSONValue {
        [
            "searchEntryPoint": ["renderedContent": "<style>.container{}</style><div class=\"container\">…</div>"],
            "groundingChunks": .array(chunks.map { ["web": ["uri": .string($0.uri), "title": .string($0.title)]] }),
            "groundingSupports": .array(
                supports.map { support in
                    var segment: JSONObject = ["endIndex": .int(support.end), "text": .string(support.text)]
                    if support.start != 0 { segment["startIndex"] = .int(support.start) }
                    return ["segment": .object(segment), "groundingChunkIndices": .array(support.chunks.map(JSONValue.int))]
                }),
            "webSearchQueries": .array(queries.map(JSONValue.string)),
        ]
    }

    /// `urlContextMetadata` for pages read with the given statuses.
    static func urlContext(_ pages: [(url: String, status: String)]) -> JSONValue {
        ["urlMetadata": .array(pages.map { ["retrievedUrl": .string($0.url), "urlRetrievalStatus": .string($0.status)] })]
    }

    private static func adding(groundingMetadata: JSONValue?, urlContextMetadata: JSONValue?, to response: JSONValue) -> JSONValue {
        var response = response.objectValue!
        var candidate = response["candidates"]![0]!.objectValue!
        if let groundingMetadata { candidate["groundingMetadata"] = groundingMetadata }
        if let urlContextMetadata { candidate["urlContextMetadata"] = urlContextMetadata }
        response["candidates"] = [.object(candidate)]
        return .object(response)
    }

    // MARK: - The replies the tests share

    /// Two searches, three pages, two cited sentences around plain text, after a thought.
    static let swiftRelease = GeminiSearchedReply(
        name: "two searches and cited sentences",
        parts: [
            GeminiReply.thought("The user wants the Swift 6.3 release notes; search first."), GeminiReply.text("Swift 6.3 shipped on March 24, 2026. "),
            GeminiReply.text("It brings module selectors and faster builds."), GeminiReply.text(" More is in the release notes."),
        ],
        groundingMetadata: grounding(
            queries: ["swift 6.3 release notes", "swift 6.3 release date"],
            chunks: [(redirect + "AUZIYQE1swift", "swift.org"), (redirect + "AUZIYQE2forums", "forums.swift.org"), (redirect + "AUZIYQE3github", "github.com")],
            supports: [(0, 36, "Swift 6.3 shipped on March 24, 2026.", [0, 1]), (37, 82, "It brings module selectors and faster builds.", [0, 2])]))

    /// German, an emoji and Japanese: the supports' byte offsets are far from character offsets.
    static let multibyte = GeminiSearchedReply(
        name: "multi-byte text",
        parts: [
            GeminiReply.text("Die Straße heißt Königsallee. "), GeminiReply.text("🚀 Start um 9 Uhr! "), GeminiReply.text("東京タワーは333メートルです。"),
        ],
        groundingMetadata: grounding(
            queries: ["Königsallee Düsseldorf", "東京タワー 高さ"],
            chunks: [(redirect + "AUZIYQB1duesseldorf", "duesseldorf.de"), (redirect + "AUZIYQB2japan", "japan-guide.com")],
            supports: [
                (0, 32, "Die Straße heißt Königsallee.", [0]), (38, 53, "Start um 9 Uhr!", [1]), (54, 96, "東京タワーは333メートルです。", [0, 1]),
            ]))

    /// Allowed `swift.org`, blocked `forums.swift.org`: redirect results are judged by their title,
    /// others by their address.
    static let filtered = GeminiSearchedReply(
        name: "domain lists",
        parts: [GeminiReply.text("Swift 6.3 is out. The forums discuss it. GitHub hosts the code. The blog has details.")],
        groundingMetadata: grounding(
            queries: ["swift 6.3"],
            chunks: [
                (redirect + "AUZIYQC1swift", "swift.org"), (redirect + "AUZIYQC2forums", "forums.swift.org"), (redirect + "AUZIYQC3github", "github.com"),
                ("https://www.swift.org/blog/swift-6.3-released/", "Swift 6.3 Released"), ("https://example.com/swift", "swift.org"),
            ],
            supports: [
                (0, 17, "Swift 6.3 is out.", [0, 1]), (18, 40, "The forums discuss it.", [1]), (41, 63, "GitHub hosts the code.", [2, 4]),
                (64, 85, "The blog has details.", [3]),
            ]),
        search: MessagesRequest.ServerTool(
            kind: .webSearch, type: "web_search_20250305", name: "web_search", allowedDomains: ["swift.org"], blockedDomains: ["forums.swift.org"]))
}
