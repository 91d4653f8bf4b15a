extension Base64 {
    /// Base64url (RFC 4648 §5) without padding, as JSON Web Tokens are written.
    package static func encodeURL(_ bytes: [UInt8]) -> String {
        String(
            encode(bytes).compactMap { character -> Character? in
                switch character {
                case "+": "-"
                case "/": "_"
                case "=": nil
                default: character
                }
            })
    }
}
