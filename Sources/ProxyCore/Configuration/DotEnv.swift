/// Parses `.env` files: `KEY=value` lines, optional `export `, single or double quotes, and `#`
/// comments (whole lines, or after white space in an unquoted value).
package enum DotEnv {
    package static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)).trimmingWhitespace() }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingWhitespace()
            guard !key.isEmpty else { continue }
            values[key] = value(String(line[line.index(after: equals)...]).trimmingWhitespace())
        }
        return values
    }

    /// The quote that closes a value; in double quotes, `\"` is an escaped quote, not the end.
    private static func closingQuote(_ quote: Character, in body: Substring) -> Substring.Index? {
        var escaping = false
        for index in body.indices {
            if escaping {
                escaping = false
            } else if quote == "\"", body[index] == "\\" {
                escaping = true
            } else if body[index] == quote {
                return index
            }
        }
        return nil
    }

    private static func value(_ raw: String) -> String {
        if let quote = raw.first, quote == "\"" || quote == "'" {
            let body = raw.dropFirst()
            guard let end = closingQuote(quote, in: body) else { return String(body) }
            let inner = String(body[..<end])
            guard quote == "\"" else { return inner }
            return inner.replacingEscapes()
        }
        if let comment = raw.firstRange(of: " #") ?? raw.firstRange(of: "\t#") {
            return String(raw[..<comment.lowerBound]).trimmingWhitespace()
        }
        return raw
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        // "\r\n" is one Character, equal to neither "\r" nor "\n".
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension String {
    fileprivate func replacingEscapes() -> String {
        var result = ""
        var escaping = false
        for character in self {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
