extension [UInt8] {
    /// Whether `source` begins with these bytes.
    func isPrefix(of source: UnsafeRawBufferPointer) -> Bool {
        guard count <= source.count else { return false }
        return withUnsafeBytes { stored in stored.hasSameBytes(as: UnsafeRawBufferPointer(rebasing: source.prefix(stored.count))) }
    }
}
