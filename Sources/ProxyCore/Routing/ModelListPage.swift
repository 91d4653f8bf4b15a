/// One page of `GET /v1/models`, cut the way Anthropic's API cuts it: `limit` (1 to 1000, default
/// 20) entries after `after_id` or before `before_id`, in the list's order.
package struct ModelListPage<Entry: Sendable>: Sendable {
    package var entries: [Entry]
    /// Whether more entries lie beyond the page in the direction it was read.
    package var hasMore: Bool

    /// - Parameter id: an entry's id, which the cursors name.
    package init(
        _ all: [Entry], id: (Entry) -> String, limit: String?, afterID: String?, beforeID: String?
    ) throws(AnthropicError) {
        var count = 20
        if let limit {
            guard let number = Int(limit), (1...1000).contains(number) else {
                throw .invalidRequest("limit: must be a whole number from 1 to 1000, not '\(limit)'")
            }
            count = number
        }
        if afterID != nil, beforeID != nil { throw .invalidRequest("after_id and before_id cannot be used together; give one of them") }
        func position(of cursor: String, _ name: String) throws(AnthropicError) -> Int {
            guard let index = all.firstIndex(where: { id($0) == cursor }) else {
                throw .invalidRequest("\(name): no model '\(cursor)' is in the list; use an id from an earlier page")
            }
            return index
        }
        if let beforeID {
            let end = try position(of: beforeID, "before_id")
            let start = max(0, end - count)
            entries = Array(all[start..<end])
            hasMore = start > 0
        } else {
            let start = try afterID.map { cursor throws(AnthropicError) in try position(of: cursor, "after_id") + 1 } ?? 0
            let end = min(all.count, start + count)
            entries = Array(all[start..<end])
            hasMore = end < all.count
        }
    }
}
