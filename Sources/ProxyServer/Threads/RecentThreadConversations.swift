import ProxyCore
import Synchronization

/// The conversations of the replies this instance recently recorded or read back, by reply id,
/// bounded by bytes: the least recently used goes first. What a reply's conversation holds never
/// changes, so an entry is never stale; whether the reply may still be continued is not kept here.
final class RecentThreadConversations: Sendable {
    private struct Entry {
        var conversation: ThreadConversation
        var cost: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var cost = 0
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    let maximumBytes: Int

    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    /// The bytes the conversations kept cost.
    var cost: Int { state.withLock { $0.cost } }

    func conversation(of replyID: String) -> ThreadConversation? {
        state.withLock { state in
            guard var entry = state.entries[replyID] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[replyID] = entry
            return entry.conversation
        }
    }

    /// Keeps `conversation` under `replyID`, `jsonBytes` the JSON size of its fields and messages.
    func keep(_ conversation: ThreadConversation, replyID: String, jsonBytes: Int) {
        state.withLock { insert(conversation, replyID: replyID, cost: ThreadConversation.costPerJSONByte * jsonBytes, into: &$0) }
    }

    /// The conversation of `previousID` followed by `messages`, now kept under `replyID` instead:
    /// `previousID` was continued, and its conversation serves no later turn. Nothing when
    /// `previousID` is not kept.
    func extend(_ previousID: String, with messages: [JSONValue], messagesBytes: Int, replyID: String) {
        state.withLock { state in
            guard let previous = remove(previousID, from: &state) else { return }
            var conversation = previous.conversation
            conversation.append(messages, jsonBytes: messagesBytes)
            insert(conversation, replyID: replyID, cost: previous.cost + ThreadConversation.costPerJSONByte * messagesBytes, into: &state)
        }
    }

    /// Keeps an entry, then drops the least recently used ones until the rest fit; one that
    /// cannot fit alone is not kept.
    private func insert(_ conversation: ThreadConversation, replyID: String, cost: Int, into state: inout State) {
        remove(replyID, from: &state)
        guard cost <= maximumBytes else { return }
        state.clock += 1
        state.entries[replyID] = Entry(conversation: conversation, cost: cost, lastUse: state.clock)
        state.cost += cost
        while state.cost > maximumBytes, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            remove(oldest, from: &state)
        }
    }

    @discardableResult
    private func remove(_ replyID: String, from state: inout State) -> Entry? {
        guard let entry = state.entries.removeValue(forKey: replyID) else { return nil }
        state.cost -= entry.cost
        return entry
    }
}
