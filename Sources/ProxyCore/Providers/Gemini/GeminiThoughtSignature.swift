/// Carries Gemini's thought signatures through the client and back.
///
/// Gemini returns an opaque `thoughtSignature` on parts of a reply, above all on the first function
/// call of each step, and Gemini 3 rejects a follow-up request whose function calls lost theirs.
/// The proxy keeps no state between requests, so the signature has to travel in something the
/// client sends back unchanged:
///
/// - **Function calls: the tool_use `id`.** Every client must send the id back, unchanged, in its
///   `tool_use` history and in the matching `tool_result`, whatever it does with other blocks; a
///   thinking block would be lost by clients that drop thinking, or that did not ask for it. The
///   id is the call's own id followed by `_sig_` and the signature in URL-safe base64 without
///   padding, so it stays within Anthropic's id alphabet `[A-Za-z0-9_-]`. Ids grow by the
///   signature's length (hundreds of characters); Anthropic documents no limit.
/// - **Thought parts: the thinking block's `signature`**, as `gemini:` and the signature as given;
///   the block becomes a thought part again on the way back. Anthropic's own signatures never
///   start that way, so other thinking blocks are left out of Gemini requests.
///
/// Signatures are restored in standard base64 (Gemini reads both alphabets: the field is bytes).
package enum GeminiThoughtSignature {
    /// Separates a tool_use id's own part from the signature it carries.
    static let toolUseMarker = "_sig_"
    static let thinkingPrefix = "gemini:"
    /// Google's documented stand-in for a function call whose signature is unknown (history from
    /// another model, or from a client that lost it); Gemini 3 accepts it instead of a signature.
    package static let skipValidator = "skip_thought_signature_validator"

    /// The tool_use id for a call whose own id is `base`, carrying `signature` when there is one.
    package static func toolUseID(base: String, signature: String?) -> String {
        guard let signature, !signature.isEmpty else { return base }
        var encoded = ""
        encoded.reserveCapacity(signature.utf8.count)
        for character in signature.unicodeScalars {
            switch character {
            case "+": encoded.append("-")
            case "/": encoded.append("_")
            case "=": continue
            default: encoded.unicodeScalars.append(character)
            }
        }
        return base + toolUseMarker + encoded
    }

    /// The signature a tool_use id carries, in standard base64, or `nil` (ids from other models).
    package static func signature(inToolUseID id: String) -> String? {
        guard let marker = id.firstRange(of: toolUseMarker) else { return nil }
        let encoded = id[marker.upperBound...]
        guard !encoded.isEmpty else { return nil }
        var signature = ""
        signature.reserveCapacity(encoded.utf8.count + 3)
        for character in encoded.unicodeScalars {
            switch character {
            case "-": signature.append("+")
            case "_": signature.append("/")
            default: signature.unicodeScalars.append(character)
            }
        }
        let remainder = signature.utf8.count % 4
        if remainder != 0 { signature += String(repeating: "=", count: 4 - remainder) }
        return signature
    }

    /// Whether `id` may carry a signature after it: ids with the marker in them already cannot.
    static func isUsableBase(_ id: String) -> Bool {
        !id.isEmpty && !id.contains(toolUseMarker) && id.utf8.allSatisfy(\.isIdentifierCharacter)
    }

    /// A thinking block's `signature` for a thought part's signature (empty when it has none).
    package static func thinkingSignature(_ signature: String?) -> String {
        guard let signature, !signature.isEmpty else { return "" }
        return thinkingPrefix + signature
    }

    /// The Gemini signature a thinking block carries, or `nil` for blocks from other models.
    package static func signature(inThinkingSignature signature: String) -> String? {
        guard signature.hasPrefix(thinkingPrefix), signature.count > thinkingPrefix.count else { return nil }
        return String(signature.dropFirst(thinkingPrefix.count))
    }
}
