extension Sequence where Element == UInt8 {
    /// The bytes in lower-case hexadecimal, two digits each (a key's salt and hash, a fingerprint).
    package var hexDigits: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// The bytes `hexDigits` wrote (either case); nil for text that is not pairs of hex digits.
    package init?(hexDigits text: String) {
        let characters = Array<UInt8>(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self = bytes
    }
}
