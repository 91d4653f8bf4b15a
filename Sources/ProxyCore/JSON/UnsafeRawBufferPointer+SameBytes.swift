extension UnsafeRawBufferPointer {
    /// Whether `other` holds the same bytes: the same memory at once, else compared 32 bytes at a
    /// time (a later turn compares a megabyte of kept messages with the request's).
    func hasSameBytes(as other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        guard count > 0, baseAddress != other.baseAddress else { return true }
        var offset = 0
        while offset + 32 <= count {
            var difference: UInt64 = 0
            for word in stride(from: offset, to: offset + 32, by: 8) {
                difference |= loadUnaligned(fromByteOffset: word, as: UInt64.self) ^ other.loadUnaligned(fromByteOffset: word, as: UInt64.self)
            }
            if difference != 0 { return false }
            offset += 32
        }
        while offset < count {
            if self[offset] != other[offset] { return false }
            offset += 1
        }
        return true
    }
}
