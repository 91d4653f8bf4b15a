import ProxyCore
import Synchronization

/// The conversations of the replies this instance recently recorded or read back, by reply id,
/// bounded by bytes: the least recently used go first. What a reply's conversation holds never
/// changes, so an entry is never stale; whether the reply may still be continued is not kept here.
final class RecentThreadConversations: Sendable {
    private let entries: Mutex<RecencyBoundedEntries<String, ThreadConversation>>

    init(maximumBytes: Int) {
        entries = Mutex(RecencyBoundedEntries(maximumCost: maximumBytes))
    }

    /// The bytes the conversations kept cost.
    var cost: Int { entries.withLock { $0.cost } }

    func conversation(of replyID: String) -> ThreadConversation? {
        entries.withLock { $0.use(replyID) }
    }

    /// Keeps `conversation` under `replyID`, `jsonBytes` the JSON size of its fields and messages.
    func keep(_ conversation: ThreadConversation, replyID: String, jsonBytes: Int) {
        entries.withLock { Self.insert(conversation, replyID: replyID, cost: ThreadConversation.costPerJSONByte * jsonBytes, into: &$0) }
    }

    /// The conversation of `previousID` followed by `messages`, now kept under `replyID` instead:
    /// `previousID` was continued, and its conversation serves no later turn. Nothing when
    /// `previousID` is not kept.
    func extend(_ previousID: String, with messages: [JSONValue], messagesBytes: Int, replyID: String) {
        entries.withLock { entries in
            guard let previous = entries.remove(previousID) else { return }
            var conversation = previous.value
            conversation.append(messages, jsonBytes: messagesBytes)
            Self.insert(conversation, replyID: replyID, cost: previous.cost + ThreadConversation.costPerJSONByte * messagesBytes, into: &entries)
        }
    }

    /// Keeps an entry, then evicts the least recently used when over the bound; one that cannot
    /// fit alone is not kept.
    private static func insert(
        _ conversation: ThreadConversation, replyID: String, cost: Int, into entries: inout RecencyBoundedEntries<String, ThreadConversation>
    ) {
        entries.remove(replyID)
        guard cost <= entries.maximumCost else { return }
        entries.keep(conversation, cost: cost, for: replyID)
        entries.evictIfOver()
    }
}
