/// Anthropic's web search, run by the Responses API's own `web_search` tool.
///
/// Each `web_search_call` that searched becomes a `server_tool_use` block (its query) and a
/// `web_search_tool_result` block (the sources it read); the `url_citation` annotations on the
/// reply's text cut it into plain and cited text blocks. The whole and the streamed translation
/// share these mappings, so that they always agree.
///
/// What the API lacks is done here: it has no block list, so results and citations from a domain
/// the client blocked are dropped; it has no limit on searches, so a search past `max_uses` gets
/// Anthropic's `max_uses_exceeded` error instead of its results; its sources carry no titles, so a
/// result takes the title of a citation of the same page, else the page's host.
package struct OpenAIResponsesWebSearch: Sendable {
    /// A piece of a reply's text: cited by no page, or by the pages that support it.
    enum Span: Sendable, Equatable {
        case plain(String)
        case cited(String, [WebSearchCitation])

        var text: String {
            switch self {
            case .plain(let text), .cited(let text, _): text
            }
        }
    }

    /// The client's search tool.
    package var tool: MessagesRequest.ServerTool

    package init(tool: MessagesRequest.ServerTool) {
        self.tool = tool
    }

    // MARK: - Request

    /// What the request asks for so that each search lists the pages it read.
    static let sourcesInclude: JSONValue = "web_search_call.action.sources"

    /// The `web_search` tool: allowed domains as `filters.allowed_domains` (hosts only; paths are
    /// enforced here, by `ServerTool.allows(url:)`), and the user's approximate location.
    var requestTool: JSONValue {
        var search: JSONObject = ["type": "web_search"]
        var hosts: [String] = []
        for domain in tool.allowedDomains {
            let host = Self.host(domain)
            if !host.isEmpty, !hosts.contains(host) { hosts.append(host) }
        }
        if !hosts.isEmpty { search["filters"] = ["allowed_domains": .array(hosts.map { .string($0) })] }
        if let location = tool.userLocation {
            var approximate: JSONObject = ["type": "approximate"]
            for field in ["city", "region", "country", "timezone"] {
                if let value = location[field]?.stringValue { approximate[field] = .string(value) }
            }
            search["user_location"] = .object(approximate)
        }
        return .object(search)
    }

    // MARK: - Searches

    /// The query of a `web_search_call` that searched (one without an action, as older servers
    /// send, searched for nothing said); `nil` for its other actions (opening a page, finding text
    /// in one), steps of a search Anthropic's blocks have no place for.
    static func query(of call: JSONValue) -> String? {
        guard let action = call["action"], !action.isNull else { return "" }
        guard action["type"] == "search" else { return nil }
        return action["query"]?.stringValue ?? action["queries"]?[0]?.stringValue ?? ""
    }

    /// What the `number`th search of the reply (counting from 1) found: its sources that the
    /// client's domain lists allow, each once, titled by `titles`.
    func outcome(of call: JSONValue, number: Int, titles: [String: String]) -> WebSearchOutcome {
        if call["status"] == "failed" { return .error(code: "unavailable") }
        if let maxUses = tool.maxUses, number > maxUses { return .error(code: "max_uses_exceeded") }
        var results: [WebSearchResult] = []
        for source in call["action"]?["sources"]?.arrayValue ?? [] {
            guard let url = source["url"]?.stringValue, tool.allows(url: url), !results.contains(where: { $0.url == url }) else { continue }
            results.append(WebSearchResult(url: url, title: titles[Self.page(url)] ?? Self.host(url)))
        }
        return .results(results)
    }

    // MARK: - Citations

    /// The title each cited page goes by: the first citation of it in `annotations` that has one.
    static func titles(in annotations: [JSONValue]) -> [String: String] {
        var titles: [String: String] = [:]
        for annotation in annotations where annotation["type"] == "url_citation" {
            guard let url = annotation["url"]?.stringValue, let title = annotation["title"]?.stringValue, !title.isEmpty else { continue }
            let page = page(url)
            if titles[page] == nil { titles[page] = title }
        }
        return titles
    }

    /// The annotations of a message item's parts, in order.
    static func annotations(ofMessage item: JSONValue) -> [JSONValue] {
        (item["content"]?.arrayValue ?? []).flatMap { $0["annotations"]?.arrayValue ?? [] }
    }

    /// A part's text cut where its allowed citations begin and end. `start_index` and `end_index`
    /// count Unicode scalars (the API's strings are Python's, indexed by code point), the end
    /// excluded; a span two citations overlap carries both.
    func spans(text: String, annotations: [JSONValue]) -> [Span] {
        let scalars = Array(text.unicodeScalars)
        let citations: [(range: Range<Int>, url: String, title: String?)] = annotations.compactMap { annotation in
            guard annotation["type"] == "url_citation", let url = annotation["url"]?.stringValue, tool.allows(url: url),
                let start = annotation["start_index"]?.intValue, let end = annotation["end_index"]?.intValue
            else { return nil }
            let lower = max(start, 0)
            let upper = min(end, scalars.count)
            guard lower < upper else { return nil }
            return (lower..<upper, url, annotation["title"]?.stringValue)
        }
        let cuts = Set([0, scalars.count] + citations.flatMap { [$0.range.lowerBound, $0.range.upperBound] }).sorted()
        return zip(cuts, cuts.dropFirst()).map { start, end in
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[start..<end])
            let text = String(piece)
            let covering = citations.filter { $0.range.lowerBound <= start && end <= $0.range.upperBound }
            guard !covering.isEmpty else { return .plain(text) }
            return .cited(
                text,
                covering.map { citation in
                    WebSearchCitation(url: citation.url, title: citation.title.flatMap { $0.isEmpty ? nil : $0 } ?? Self.host(citation.url), citedText: text)
                })
        }
    }

    /// A message part's spans: `output_text` cut by its citations, a `refusal` (which has none) plain.
    func spans(ofPart part: JSONValue) -> [Span] {
        spans(text: Self.text(ofPart: part), annotations: part["annotations"]?.arrayValue ?? [])
    }

    /// The text of an `output_text` or `refusal` part.
    static func text(ofPart part: JSONValue) -> String {
        part["text"]?.stringValue ?? part["refusal"]?.stringValue ?? ""
    }

    /// The blocks spans make: plain spans next to each other are one text block.
    static func blocks(_ spans: [Span]) -> [ContentBlock] {
        var blocks: [ContentBlock] = []
        for span in spans {
            switch (span, blocks.last) {
            case (.plain(let text), .text(let before)?):
                blocks[blocks.count - 1] = .text(before + text)
            case (.plain(let text), _):
                blocks.append(.text(text))
            case (.cited(let text, let citations), _):
                blocks.append(.citedText(text, citations: citations))
            }
        }
        return blocks
    }

    // MARK: - Addresses

    /// The page a URL names, for matching a source with its citations: OpenAI tags the links it
    /// cites with `utm_source=openai`, and the sources it lists without.
    static func page(_ url: String) -> String {
        guard let mark = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: mark)...].split(separator: "&").filter { $0 != "utm_source=openai" }
        return String(url[..<mark]) + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// The host of a URL or domain (`https://docs.swift.org/x` → `docs.swift.org`).
    static func host(_ url: String) -> String {
        let address = url.firstRange(of: "://").map { url[$0.upperBound...] } ?? url[...]
        return String(address.prefix { !"/?#:".contains($0) }).lowercased()
    }
}
