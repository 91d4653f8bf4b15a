extension String {
    /// `%XX` escapes decoded, as in a URI's parts (a JSON pointer in a fragment, a URL's password).
    package var removingPercentEncoding: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text with a URL's password (`scheme://user:password@host`) shown as `***`, so that a
    /// listing or a log line can name the URL.
    package var maskingURLPassword: String {
        guard let schemeEnd = range(of: "://") else { return self }
        let authorityEnd = self[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? endIndex
        let authority = self[schemeEnd.upperBound..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return self }
        return String(self[..<authority.index(after: colon)]) + "***" + String(self[at...])
    }
}
