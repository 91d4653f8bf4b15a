/// Finds the client's stop sequences in a text block that arrives in pieces, for an upstream that
/// was not sent them (see `ProviderAdapter.stopSequencesLeftToTheProxy`). Text that may be the
/// start of a stop sequence is held back until the next piece shows whether it is one. The
/// sequence that ends first wins, as the model would have stopped there; of two ending at the same
/// place, the longer.
package struct StopSequenceMatcher: Sendable {
    /// What a piece of text comes to.
    package enum Outcome: Sendable, Equatable {
        /// Text to pass on now (possibly empty: all of it is held back).
        case text(String)
        /// A stop sequence matched: the reply ends with `before`, without the sequence.
        case stopped(before: String, sequence: String)
    }

    private let sequences: [[UInt8]]
    /// The end of the text so far that is the start of some sequence, not yet passed on.
    private var heldBack: [UInt8] = []

    /// Empty sequences never match.
    package init(_ sequences: [String]) {
        self.sequences = sequences.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    package mutating func feed(_ text: String) -> Outcome {
        let bytes = heldBack + Array(text.utf8)
        if let match = firstMatch(in: bytes) {
            heldBack = []
            return .stopped(before: String(decoding: bytes[..<match.start], as: UTF8.self), sequence: String(decoding: match.sequence, as: UTF8.self))
        }
        // A sequence starts with a UTF-8 leading byte, so what is held back starts on a character.
        let held = longestSuffixStartingASequence(of: bytes)
        heldBack = Array(bytes.suffix(held))
        return .text(String(decoding: bytes.dropLast(held), as: UTF8.self))
    }

    /// The text held back when the block ends: it turned out not to be a stop sequence.
    package mutating func flush() -> String {
        defer { heldBack = [] }
        return String(decoding: heldBack, as: UTF8.self)
    }

    private func firstMatch(in bytes: [UInt8]) -> (start: Int, sequence: [UInt8])? {
        var best: (start: Int, sequence: [UInt8])?
        for sequence in sequences {
            guard let start = bytes.firstRange(of: sequence)?.lowerBound else { continue }
            let end = start + sequence.count
            if let current = best {
                let currentEnd = current.start + current.sequence.count
                guard end < currentEnd || (end == currentEnd && start < current.start) else { continue }
            }
            best = (start, sequence)
        }
        return best
    }

    private func longestSuffixStartingASequence(of bytes: [UInt8]) -> Int {
        let longest = min(bytes.count, (sequences.map(\.count).max() ?? 1) - 1)
        guard longest > 0 else { return 0 }
        for length in stride(from: longest, through: 1, by: -1) {
            let suffix = bytes.suffix(length)
            if sequences.contains(where: { $0.count > length && $0.starts(with: suffix) }) { return length }
        }
        return 0
    }
}
