import Synchronization

/// The JSON text `JSONWriter` wrote for long strings, by the string's storage. The conversation a
/// client resends every turn comes back from `ConversationPrefixCache` as the very strings parsed
/// the turn before (tool results of tens of kilobytes), and the translators pass them on unchanged:
/// writing them again would escape every byte again. A string's storage is kept alive by its entry
/// and never changes while shared, so an entry found by its address is the same text.
///
/// Bounded by bytes (a string and its text count together); when over, the least recently used
/// entries go until a quarter of the bound is free. It carries the messages translators wrote
/// (a provider adapter is given this one cache), whose long strings are kept there, not here.
package final class JSONStringEscapes: Sendable {
    /// Shorter strings are written about as fast as they are found.
    package static let minimumBytes = 2048

    /// A string and the text written for it.
    private struct Written: Sendable {
        let string: String
        let text: [UInt8]
    }

    package let maximumBytes: Int
    private let state: Mutex<RecencyBoundedEntries<UInt, Written>>
    /// What translators wrote for each message.
    package let translatedMessages: TranslatedMessageCache

    /// - Parameter translatedMessageBytes: what the translated messages may take; twice
    ///   `maximumBytes` when nil.
    package init(maximumBytes: Int = 64 << 20, translatedMessageBytes: Int? = nil) {
        self.maximumBytes = maximumBytes
        state = Mutex(RecencyBoundedEntries(maximumCost: maximumBytes))
        translatedMessages = TranslatedMessageCache(maximumBytes: translatedMessageBytes ?? 2 * maximumBytes)
    }

    /// The text written before for this very string (its storage, not only its contents).
    func text(for string: String) -> [UInt8]? {
        guard let address = Self.address(of: string) else { return nil }
        return state.withLock { $0.use(address) { $0.string.utf8.count == string.utf8.count }?.text }
    }

    /// Keeps the text written for `string`.
    func keep(_ text: [UInt8], for string: String) {
        guard let address = Self.address(of: string), string.utf8.count + text.count <= maximumBytes else { return }
        state.withLock { entries in
            entries.keep(Written(string: string, text: text), cost: string.utf8.count + text.count, for: address)
            entries.evictIfOver()
        }
    }

    /// How many strings are kept, and what they cost, for tests.
    package var usage: (strings: Int, cost: Int) {
        state.withLock { ($0.count, $0.cost) }
    }

    /// Where a native string keeps its UTF-8 bytes; `nil` for a small string, which has no storage.
    private static func address(of string: String) -> UInt? {
        guard string.utf8.count >= minimumBytes else { return nil }
        return string.utf8.withContiguousStorageIfAvailable { UInt(bitPattern: $0.baseAddress) } ?? nil
    }
}
