import Synchronization

/// Parsed values of large top-level members that clients send unchanged request after request,
/// keyed by their exact bytes. Claude Code resends the same tool definitions (30 KB and more) and
/// system prompt on every turn; parsing them again was the largest single cost of a request.
///
/// Used by `JSONParser.parse(_:reusing:)`. A hit needs the member's bytes to be identical to
/// bytes that parsed successfully before, so it answers exactly what parsing would; finding one
/// compares bytes (about 3 µs for 30 KB) where parsing them allocates every string and array.
package final class JSONFragmentCache: Sendable {
    /// Members shorter than this parse about as fast as they are found, so they are not kept.
    package static let minimumBytes = 1024

    /// The top-level members worth keeping (for the Messages API: `tools` and `system`).
    package let memberNames: Set<String>
    private let capacity: Int
    private let maximumEntryBytes: Int
    private let maximumTotalBytes: Int
    /// Least recently used first.
    private let entries = Mutex<[Entry]>([])

    private struct Entry {
        let bytes: [UInt8]
        let value: JSONValue

        /// Whether `source` begins with these bytes.
        func begins(_ source: UnsafeRawBufferPointer) -> Bool {
            bytes.isPrefix(of: source)
        }
    }

    /// - Parameters:
    ///   - capacity: how many distinct values are kept; the least recently used goes first.
    ///   - maximumEntryBytes: larger members are parsed every time rather than kept.
    ///   - maximumTotalBytes: the kept members' bytes together stay within this (their parsed
    ///     values take a few times as much again).
    package init(memberNames: Set<String>, capacity: Int = 16, maximumEntryBytes: Int = 512 * 1024, maximumTotalBytes: Int = 4 * 1024 * 1024) {
        self.memberNames = memberNames
        self.capacity = capacity
        self.maximumEntryBytes = maximumEntryBytes
        self.maximumTotalBytes = maximumTotalBytes
    }

    /// A kept value whose bytes begin `remaining`, and how many bytes it spans.
    ///
    /// Only strings, arrays and objects are kept, and each of those ends at its own closing
    /// character: bytes that begin with a kept value's bytes parse to that value, whatever follows.
    func value(prefixing remaining: UnsafeRawBufferPointer) -> (value: JSONValue, count: Int)? {
        entries.withLock { entries in
            guard let index = entries.lastIndex(where: { $0.begins(remaining) }) else { return nil }
            let entry = entries.remove(at: index)
            entries.append(entry)
            return (entry.value, entry.bytes.count)
        }
    }

    /// Keeps a value parsed from `source`.
    func insert(_ value: JSONValue, parsedFrom source: UnsafeRawBufferPointer) {
        guard source.count >= Self.minimumBytes, source.count <= min(maximumEntryBytes, maximumTotalBytes), capacity > 0,
            let first = source.first, first == UInt8(ascii: "\"") || first == UInt8(ascii: "[") || first == UInt8(ascii: "{")
        else { return }
        let entry = Entry(bytes: Array(source), value: value)
        entries.withLock { entries in
            if entries.contains(where: { $0.bytes.count == source.count && $0.begins(source) }) { return }
            entries.append(entry)
            var totalBytes = entries.reduce(0) { $0 + $1.bytes.count }
            while entries.count > capacity || totalBytes > maximumTotalBytes {
                totalBytes -= entries.removeFirst().bytes.count
            }
        }
    }

    /// How many values are kept, for tests.
    package var count: Int { entries.withLock { $0.count } }
}
