/// One page a web search found, as Anthropic's `web_search_result` carries it.
package struct WebSearchResult: Sendable, Equatable {
    package var url: String
    package var title: String
    /// Anthropic's opaque handle on the page's content; clients send it back untouched. Upstreams
    /// other than Anthropic have none, so the proxy makes one from the URL and title: stable for
    /// the same page, and readable when it comes back in a later turn's history.
    package var encryptedContent: String
    /// How old the page is ("2 days ago"), when the upstream says.
    package var pageAge: String?

    package init(url: String, title: String, encryptedContent: String? = nil, pageAge: String? = nil) {
        self.url = url
        self.title = title
        self.encryptedContent = encryptedContent ?? WebSearchResult.opaqueHandle(url: url, title: title)
        self.pageAge = pageAge
    }

    package var json: JSONValue {
        [
            "type": "web_search_result", "url": .string(url), "title": .string(title), "encrypted_content": .string(encryptedContent),
            "page_age": pageAge.map { .string($0) } ?? .null,
        ]
    }

    /// A handle standing for a page: base64 of `{"url":…,"title":…}`.
    static func opaqueHandle(url: String, title: String) -> String {
        Base64.encode(JSONWriter.encode(["url": .string(url), "title": .string(title)]))
    }
}

/// What a web search gave back: its results, or why there are none.
package enum WebSearchOutcome: Sendable, Equatable {
    case results([WebSearchResult])
    /// Anthropic's `error_code`: `unavailable`, `max_uses_exceeded`, `too_many_requests`,
    /// `query_too_long` or `invalid_tool_input`.
    case error(code: String)

    package var json: JSONValue {
        switch self {
        case .results(let results): .array(results.map(\.json))
        case .error(let code): ["type": "web_search_tool_result_error", "error_code": .string(code)]
        }
    }
}

/// A span of a reply's text that a search result supports (`web_search_result_location`).
package struct WebSearchCitation: Sendable, Equatable {
    package var url: String
    package var title: String
    /// The words of the reply the result supports.
    package var citedText: String
    package var encryptedIndex: String

    package init(url: String, title: String, citedText: String, encryptedIndex: String? = nil) {
        self.url = url
        self.title = title
        self.citedText = citedText
        self.encryptedIndex = encryptedIndex ?? WebSearchResult.opaqueHandle(url: url, title: title)
    }

    package var json: JSONValue {
        [
            "type": "web_search_result_location", "url": .string(url), "title": .string(title), "cited_text": .string(citedText),
            "encrypted_index": .string(encryptedIndex),
        ]
    }
}
