import Synchronization

/// A `messages` element as decoded, kept in the element's `DerivedValue` with what later steps
/// made of the message, so that a later turn reusing the element does none of it again: the
/// deferred tools it loads (`tool_reference` blocks), its token estimate, its digest for cache
/// diagnostics, the JSON a translator last wrote for it, and what a provider remembers of it as sent.
package final class DecodedMessage: Sendable {
    package let message: MessagesRequest.Message
    package let loadedTools: Set<String>
    /// What the message says of the conversation beyond its content.
    package let notes: MessageNotes
    /// `TokenEstimator`'s count for the message.
    package let estimatedTokens: Int
    /// `PromptFingerprint`'s digest of the message, once a request asking for cache diagnostics needed it.
    private let workedOutDigest = Mutex<UInt64?>(nil)
    /// What a translator wrote for the message, in the context it wrote it in (see
    /// `TranslatedMessageCache`); a conversation goes to one upstream, so one is kept.
    private let translation = Mutex<(context: String, fragment: [UInt8])?>(nil)
    /// What a provider remembers of the message as it sent it (see `ExplicitCachePrefix.Content`).
    package let sent = DerivedValue()

    package init(_ message: MessagesRequest.Message, loadedTools: Set<String>, notes: MessageNotes = MessageNotes()) {
        self.message = message
        self.loadedTools = loadedTools
        self.notes = notes
        estimatedTokens = TokenEstimator.estimate(message)
    }

    /// `PromptFingerprint`'s digest of the message, worked out once.
    package var digest: UInt64 {
        workedOutDigest.withLock { kept in
            if let kept { return kept }
            let digest = PromptFingerprint.digest(of: message)
            kept = digest
            return digest
        }
    }

    /// The JSON written for the message in `context`, when it is the one kept.
    package func translation(in context: String) -> [UInt8]? {
        translation.withLock { kept in
            guard let kept, kept.context.hasSameUTF8(as: context) else { return nil }
            return kept.fragment
        }
    }

    package func keep(_ fragment: [UInt8], in context: String) {
        translation.withLock { $0 = (context, fragment) }
    }
}
