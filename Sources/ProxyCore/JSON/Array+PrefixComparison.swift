extension [UInt8] {
    /// Whether `source` begins with these bytes, compared eight at a time.
    func isPrefix(of source: UnsafeRawBufferPointer) -> Bool {
        guard count <= source.count else { return false }
        return withUnsafeBytes { stored in
            var offset = 0
            while offset + 8 <= stored.count {
                if stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != source.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                    return false
                }
                offset += 8
            }
            while offset < stored.count {
                if stored[offset] != source[offset] { return false }
                offset += 1
            }
            return true
        }
    }
}
