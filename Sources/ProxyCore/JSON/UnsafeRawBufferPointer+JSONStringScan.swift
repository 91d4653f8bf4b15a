extension UnsafeRawBufferPointer {
    /// The index of the first byte from `start` that a JSON string cannot hold as it is: a quote,
    /// a backslash or a control character; `count` when there is none.
    ///
    /// Looks at eight bytes at a time: prose in tool descriptions and tool results runs for
    /// hundreds of bytes between such characters, and both the parser and the writer scan it.
    func firstJSONStringSpecialByte(from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var index = start
        while index + 8 <= count {
            let word = loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            // Each term has a byte's high bit set where that byte is zero (or below 0x20 for the
            // last); borrows can only mark bytes above a marked one, so "none marked" is exact.
            let marked = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | ((word &- ones &* 0x20) & ~word)
            if marked & highBits != 0 { break }
            index += 8
        }
        while index < count {
            let byte = self[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return count
    }
}
