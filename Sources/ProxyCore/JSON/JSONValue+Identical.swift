extension JSONValue {
    /// Whether `other` is written as the same bytes. `==` is looser: it takes members in any
    /// order, `1.0` for `1` and canonically equivalent strings as equal. Values that share storage
    /// (a later turn's, taken from the turn before) answer at once.
    package func isIdentical(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)), (.string(let a), .string(let b)): return a.hasSameUTF8(as: b)
        case (.array(let a), .array(let b)):
            return a.sharesStorage(with: b) || (a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) })
        case (.object(let a), .object(let b)):
            return a.members.sharesStorage(with: b.members)
                || (a.count == b.count && zip(a.members, b.members).allSatisfy { $0.key.hasSameUTF8(as: $1.key) && $0.value.isIdentical(to: $1.value) })
        default: return false
        }
    }
}

extension Array {
    /// Whether both are the same storage, so the same elements.
    func sharesStorage(with other: [Element]) -> Bool {
        count == other.count && withUnsafeBufferPointer { mine in other.withUnsafeBufferPointer { $0.baseAddress == mine.baseAddress } }
    }
}
