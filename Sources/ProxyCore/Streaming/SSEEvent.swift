/// One server-sent event: its `event:` name (if any) and its `data:` lines joined by newlines.
package struct SSEEvent: Sendable, Equatable {
    package var event: String?
    package var data: String

    package init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }
}
