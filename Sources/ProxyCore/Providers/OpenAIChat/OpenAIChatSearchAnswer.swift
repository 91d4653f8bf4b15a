/// A search model's answer to a request that declared a web search, shown as Anthropic shows one:
/// the search (`server_tool_use`), what it found (`web_search_tool_result`: the pages the answer
/// cites), then the answer's text in plain and cited spans. The whole and the streamed translation
/// both build their blocks here, so that they agree.
package struct OpenAIChatSearchAnswer: Sendable, Equatable {
    /// The client's search tool: the name the search is shown under, and the domains its results
    /// may come from.
    package var tool: MessagesRequest.ServerTool
    /// What the search is shown to have looked for. Chat Completions does not say what a search
    /// model searched for, so this is the user's last text, which the model searched on.
    package var query: String

    package init(tool: MessagesRequest.ServerTool, query: String) {
        self.tool = tool
        self.query = query
    }

    /// The answer to expect when `request` declares a web search and `model` is a search model;
    /// `nil` otherwise, when replies are translated as plain Chat Completions replies.
    package init?(request: MessagesRequest, model: String) {
        guard let tool = request.webSearch, OpenAISearchModel.matches(model) else { return nil }
        let lastUserText = request.messages.reversed().lazy
            .filter { $0.role == .user }
            .map { message in
                message.content.compactMap { block -> String? in
                    if case .text(let text) = block { return text }
                    return nil
                }.joined(separator: "\n\n")
            }
            .first { !$0.isEmpty }
        self.init(tool: tool, query: lastUserText ?? "")
    }

    /// The blocks for an answer `text` and its `annotations` (a message's or the stream's deltas').
    ///
    /// An annotation's `start_index` and `end_index` count Unicode code points (OpenAI's indexes
    /// are Python string indexes), the end excluded. Each annotation usually spans the inline
    /// markdown link the model wrote for its source. Citations of pages the tool's domain filters
    /// exclude are dropped, their spans left plain; indexes outside the text are clamped to it.
    func blocks(text: String, annotations: [JSONValue], toolUseID: String) -> [ContentBlock] {
        let scalars = Array(text.unicodeScalars)
        var citations: [URLCitation] = []
        for annotation in annotations {
            guard let citation = URLCitation(annotation, length: scalars.count), tool.allows(url: citation.url) else { continue }
            if !citations.contains(citation) { citations.append(citation) }
        }
        var results: [WebSearchResult] = []
        for citation in citations where !results.contains(where: { $0.url == citation.url }) {
            results.append(WebSearchResult(url: citation.url, title: citation.title))
        }
        var blocks: [ContentBlock] = [
            .serverToolUse(id: toolUseID, name: tool.name, input: ["query": .string(query)]),
            .webSearchToolResult(toolUseID: toolUseID, content: .results(results)),
        ]
        // Every span between two consecutive boundaries is cited by all the annotations covering it.
        let spans = citations.map(\.range).filter { !$0.isEmpty }
        let boundaries = Set([0, scalars.count] + spans.flatMap { [$0.lowerBound, $0.upperBound] }).sorted()
        for (start, end) in zip(boundaries, boundaries.dropFirst()) {
            let span = String(String.UnicodeScalarView(scalars[start..<end]))
            let covering = citations.filter { $0.range.contains(start) }
            if covering.isEmpty {
                blocks.append(.text(span))
            } else {
                blocks.append(.citedText(span, citations: covering.map { WebSearchCitation(url: $0.url, title: $0.title, citedText: span) }))
            }
        }
        return blocks
    }

    /// One `url_citation` annotation, its span clamped to the text (and empty when it lies
    /// outside): its page is still a result.
    private struct URLCitation: Equatable {
        var url: String
        var title: String
        var range: Range<Int>

        /// `nil` for other annotations and ones without a URL.
        init?(_ annotation: JSONValue, length: Int) {
            guard annotation["type"] == "url_citation", let citation = annotation["url_citation"], let url = citation["url"]?.stringValue else {
                return nil
            }
            let start = min(max(citation["start_index"]?.intValue ?? 0, 0), length)
            let end = min(max(citation["end_index"]?.intValue ?? 0, start), length)
            self.url = url
            title = citation["title"]?.stringValue ?? url
            range = start..<end
        }
    }
}
