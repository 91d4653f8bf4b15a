extension String {
    /// Whether both are the same UTF-8 bytes (`==` also takes canonically equivalent text as
    /// equal, which is written differently). The same storage answers at once.
    package func hasSameUTF8(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var mine = self
        var theirs = other
        return mine.withUTF8 { a in theirs.withUTF8 { b in UnsafeRawBufferPointer(a).hasSameBytes(as: UnsafeRawBufferPointer(b)) } }
    }
}
