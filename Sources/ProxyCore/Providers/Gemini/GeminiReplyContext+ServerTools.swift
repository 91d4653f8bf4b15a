/// How a Gemini reply's own searches and page reads become Anthropic's server tool blocks.
///
/// Gemini reports them beside the text, not in it: `groundingMetadata` lists the queries it
/// searched (`webSearchQueries`), the pages it found (`groundingChunks[].web`, `uri` and `title`)
/// and the spans of the reply each page supports (`groundingSupports[]`: `segment.startIndex` and
/// `endIndex`, byte offsets into the UTF-8 of the candidate's text, and `groundingChunkIndices`);
/// `urlContextMetadata.urlMetadata[]` lists the pages it read. Anthropic's order is the tool blocks
/// first, then the text, its cited spans as text blocks carrying their citations.
extension GeminiReplyContext {
    /// Gemini's search results link through this redirect, which hides the page's address; their
    /// `title` is then the site's domain.
    private static let groundingRedirectPrefix = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/"

    /// Whether the reply's text waits for the end of the reply: the request declared a web search
    /// or fetch, whose blocks come before the text, and the metadata that splits the text is only
    /// complete at the end (a stream may send it before its last chunk, and again after).
    var holdsText: Bool { webSearch != nil || webFetch != nil }

    /// The blocks that follow the reply's thinking when it holds its text: the searches with their
    /// results, the fetches, then the text.
    ///
    /// - Parameters:
    ///   - text: the reply's text, every text part that is not a thought.
    ///   - groundingMetadata: the candidate's `groundingMetadata` (a stream's last).
    ///   - urlContextMetadata: the candidate's `urlContextMetadata` (a stream's last).
    /// - Returns: the blocks, and the searches counted as made (`usage.server_tool_use`).
    func serverToolBlocks(text: String, groundingMetadata: JSONValue?, urlContextMetadata: JSONValue?) -> (
        blocks: [ContentBlock], webSearchRequests: Int
    ) {
        var blocks: [ContentBlock] = []
        var searches = 0
        var shownResults: [Int: WebSearchResult] = [:]
        if let webSearch, let groundingMetadata {
            (blocks, searches, shownResults) = searchBlocks(webSearch, groundingMetadata)
        }
        if let webFetch, let pages = urlContextMetadata?["urlMetadata"]?.arrayValue {
            let searchUses = blocks.count { if case .serverToolUse = $0 { true } else { false } }
            blocks += fetchBlocks(webFetch, pages: pages, firstIndex: searchUses)
        }
        blocks += Self.textBlocks(text, supports: groundingMetadata?["groundingSupports"]?.arrayValue ?? [], results: shownResults)
        return (blocks, searches)
    }

    /// The id of the reply's `index`th server tool use: its tool_use id (derived from the reply's
    /// id, the same whole or streamed) with Anthropic's `srvtoolu_` prefix.
    func serverToolUseID(index: Int) -> String {
        MessageIdentifier.serverToolUseID(messageID: messageID, index: index)
    }

    /// A server_tool_use and web_search_tool_result pair per query, with the results the domain
    /// lists allow, by their chunk index.
    ///
    /// Gemini does not say which query found which page, so every result goes with the first
    /// query and the later ones list none. It takes no use limit either: a query past `max_uses`
    /// gets Anthropic's `max_uses_exceeded` error instead, and is not counted. A reply with pages
    /// but no query read them through URL context, not a search: no search blocks then, and no
    /// results to cite.
    private func searchBlocks(_ search: MessagesRequest.ServerTool, _ metadata: JSONValue) -> (
        blocks: [ContentBlock], searches: Int, results: [Int: WebSearchResult]
    ) {
        let queries = (metadata["webSearchQueries"]?.arrayValue ?? []).compactMap(\.stringValue)
        let searches = min(queries.count, search.maxUses ?? queries.count)
        guard searches > 0 else { return ([], 0, [:]) }
        var results: [Int: WebSearchResult] = [:]
        var listed: [WebSearchResult] = []
        for (index, chunk) in (metadata["groundingChunks"]?.arrayValue ?? []).enumerated() {
            guard let url = chunk["web"]?["uri"]?.stringValue else { continue }
            let title = chunk["web"]?["title"]?.stringValue ?? ""
            let isAllowed = url.hasPrefix(Self.groundingRedirectPrefix) ? search.allows(host: title) : search.allows(url: url)
            guard isAllowed else { continue }
            let result = WebSearchResult(url: url, title: title)
            results[index] = result
            listed.append(result)
        }
        var blocks: [ContentBlock] = []
        for (index, query) in queries.enumerated() {
            let id = serverToolUseID(index: index)
            let outcome: WebSearchOutcome = index >= searches ? .error(code: "max_uses_exceeded") : .results(index == 0 ? listed : [])
            blocks += [.serverToolUse(id: id, name: search.name, input: ["query": .string(query)]), .webSearchToolResult(toolUseID: id, content: outcome)]
        }
        return (blocks, searches, results)
    }

    /// A server_tool_use per page Gemini read, up to `max_uses`. The proxy's reply blocks have no
    /// `web_fetch_tool_result`, so a fetch shows as its use alone; what the page said reaches the
    /// client through the model's text.
    private func fetchBlocks(_ fetch: MessagesRequest.ServerTool, pages: [JSONValue], firstIndex: Int) -> [ContentBlock] {
        let urls = pages.compactMap { $0["retrievedUrl"]?.stringValue }.prefix(fetch.maxUses ?? pages.count)
        return urls.enumerated().map { offset, url in
            .serverToolUse(id: serverToolUseID(index: firstIndex + offset), name: fetch.name, input: ["url": .string(url)])
        }
    }

    /// `text` as text blocks: each span a grounding support ties to a shown result becomes a text
    /// block citing every such result (`cited_text` the span itself), the text between them plain.
    /// A support whose bytes fall outside the text, cut a character or overlap an earlier span is
    /// left out, its span staying plain.
    private static func textBlocks(_ text: String, supports: [JSONValue], results: [Int: WebSearchResult]) -> [ContentBlock] {
        let bytes = Array(text.utf8)
        /// Whether a span may start or end at `offset`: not inside a character's UTF-8 sequence.
        func isBoundary(_ offset: Int) -> Bool { offset == bytes.count || bytes[offset] & 0xC0 != 0x80 }
        func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

        let spans = supports.compactMap { support -> (range: Range<Int>, chunks: [Int])? in
            // Proto3 JSON leaves out a zero start.
            let start = support["segment"]?["startIndex"]?.intValue ?? 0
            guard let end = support["segment"]?["endIndex"]?.intValue, start >= 0, start < end, end <= bytes.count else { return nil }
            return (start..<end, (support["groundingChunkIndices"]?.arrayValue ?? []).compactMap(\.intValue))
        }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var blocks: [ContentBlock] = []
        var position = 0
        for span in spans {
            guard span.range.lowerBound >= position, isBoundary(span.range.lowerBound), isBoundary(span.range.upperBound) else { continue }
            let cited = string(span.range)
            let citations = span.chunks.compactMap { results[$0] }.map { WebSearchCitation(url: $0.url, title: $0.title, citedText: cited) }
            guard !citations.isEmpty else { continue }
            if position < span.range.lowerBound { blocks.append(.text(string(position..<span.range.lowerBound))) }
            blocks.append(.citedText(cited, citations: citations))
            position = span.range.upperBound
        }
        if position < bytes.count { blocks.append(.text(string(position..<bytes.count))) }
        return blocks
    }
}
