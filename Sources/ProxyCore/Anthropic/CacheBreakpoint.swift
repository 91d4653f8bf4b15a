/// The client's last `cache_control` breakpoint: where the prefix it wants cached ends, and for
/// how long. Anthropic caches tools, then system, then messages, in that order; the last
/// breakpoint in that order ends the longest cached prefix.
package struct CacheBreakpoint: Sendable, Equatable {
    /// The message that holds it; nil when it is on a tool or the system prompt.
    package var messageIndex: Int?
    /// `cache_control.ttl`: `5m` (the default) or `1h`.
    package var timeToLive: Duration

    package init(messageIndex: Int?, timeToLive: Duration = .seconds(300)) {
        self.messageIndex = messageIndex
        self.timeToLive = timeToLive
    }

    /// The last breakpoint of a request body, nil when it has none. Looked for from the end:
    /// Claude Code's is on the last message, found at once however long the conversation.
    package init?(body: JSONValue) {
        let messages = body["messages"]?.arrayValue ?? []
        for index in messages.indices.reversed() {
            if let control = Self.lastControl(in: messages[index]["content"]?.arrayValue) {
                self.init(messageIndex: index, control: control)
                return
            }
        }
        guard let control = Self.lastControl(in: body["system"]?.arrayValue) ?? Self.lastControl(in: body["tools"]?.arrayValue) else { return nil }
        self.init(messageIndex: nil, control: control)
    }

    private init(messageIndex: Int?, control: JSONValue) {
        self.init(messageIndex: messageIndex, timeToLive: control["ttl"]?.stringValue == "1h" ? .seconds(3600) : .seconds(300))
    }

    private static func lastControl(in elements: [JSONValue]?) -> JSONValue? {
        elements?.reversed().lazy.compactMap { element in element["cache_control"].flatMap { $0.isNull ? nil : $0 } }.first
    }
}
