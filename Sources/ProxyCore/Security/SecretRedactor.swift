/// Removes secrets from text before it is logged or returned: every configured key, and anything
/// shaped like a common API key (`sk-…`, `AIza…`), so that a key the proxy never knew of (one in a
/// client's header, say) is not written either.
public struct SecretRedactor: Sendable {
    public static let replacement = "[REDACTED]"
    private static let keyPrefixes = ["sk-", "AIza", "xai-", "gsk_"]

    private let secrets: [String]

    public init(secrets: [String]) {
        // Each secret also as it reads inside a JSON string (a logged body), with `/` escaped too
        // as some encoders write it; longest first, so that a key containing another is replaced whole.
        let forms = secrets.filter { $0.count >= 4 }.flatMap { secret -> [String] in
            let escaped = String(JSONWriter.string(.string(secret)).dropFirst().dropLast())
            return [secret, escaped, escaped.replacing("/", with: "\\/")]
        }
        self.secrets = Set(forms).sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.replacement)
        }
        return Self.redactKeyShapes(result)
    }

    /// Replaces runs that start with a known key prefix and continue with 16 or more key characters.
    private static func redactKeyShapes(_ text: String) -> String {
        guard keyPrefixes.contains(where: { text.contains($0) }) else { return text }
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            if let prefix = keyPrefixes.first(where: { matches($0, in: characters, at: index) }) {
                var end = index + prefix.count
                while end < characters.count, isKeyCharacter(characters[end]) { end += 1 }
                let startsWord = index == 0 || !isKeyCharacter(characters[index - 1])
                if startsWord, end - index - prefix.count >= 16 {
                    output += replacement
                    index = end
                    continue
                }
            }
            output.append(characters[index])
            index += 1
        }
        return output
    }

    private static func matches(_ prefix: String, in characters: [Character], at index: Int) -> Bool {
        guard index + prefix.count <= characters.count else { return false }
        return zip(prefix, characters[index...]).allSatisfy { $0 == $1 }
    }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_")
    }
}

extension SecretRedactor {
    /// The error with its message redacted: upstreams sometimes quote the key they refused.
    public func redact(_ error: AnthropicError) -> AnthropicError {
        var redacted = error
        redacted.message = redact(error.message)
        return redacted
    }
}
