extension Sequence where Element == UInt8 {
    /// The bytes in lower-case hexadecimal, two digits each (a key's salt and hash, a fingerprint).
    package var hexDigits: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }
}
