extension UInt8 {
    /// `[A-Za-z0-9_-]`: the characters of tool names upstreams accept, of API keys, and of ids
    /// that travel in URLs.
    var isIdentifierCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
