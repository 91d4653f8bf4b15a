/// Removes secrets from text before it is logged or returned: every configured key, and anything
/// shaped like a common API key (`sk-…`, `AIza…`), so that a key the proxy never knew of (one in a
/// client's header, say) is not written either.
package struct SecretRedactor: Sendable {
    package static let replacement = "[REDACTED]"
    private static let keyPrefixes = ["sk-", "AIza", "xai-", "gsk_"].map { Array($0.utf8) }

    /// The secrets' UTF-8 bytes, longest first, so that a key containing another is replaced whole.
    private let secrets: [[UInt8]]

    package init(secrets: [String]) {
        // Each secret also as it reads inside a JSON string (a logged body), with `/` escaped too
        // as some encoders write it.
        let forms = secrets.filter { $0.count >= 4 }.flatMap { secret -> [String] in
            let escaped = String(JSONWriter.string(.string(secret)).dropFirst().dropLast())
            return [secret, escaped, escaped.replacing("/", with: "\\/")]
        }
        self.secrets = Set(forms).sorted { $0.utf8.count > $1.utf8.count }.map { Array($0.utf8) }
    }

    /// Works on UTF-8 bytes: it runs on every log line, and string searching costs more than the
    /// rest of the line's making.
    package func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets where Self.replaceAll(secret, in: &bytes) { changed = true }
        if Self.redactKeyShapes(&bytes) { changed = true }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    private static func replaceAll(_ secret: [UInt8], in bytes: inout [UInt8]) -> Bool {
        var output: [UInt8] = []
        var index = 0
        var copiedUpTo = 0
        while index + secret.count <= bytes.count {
            if bytes[index] == secret[0], bytes[index..<(index + secret.count)].elementsEqual(secret) {
                output += bytes[copiedUpTo..<index]
                output += replacement.utf8
                index += secret.count
                copiedUpTo = index
            } else {
                index += 1
            }
        }
        guard copiedUpTo > 0 else { return false }
        output += bytes[copiedUpTo...]
        bytes = output
        return true
    }

    /// Replaces runs that start a word with a known key prefix and go on with 16 or more key
    /// characters.
    private static func redactKeyShapes(_ bytes: inout [UInt8]) -> Bool {
        var output: [UInt8] = []
        var index = 0
        var copiedUpTo = 0
        while index < bytes.count {
            let startsWord = index == 0 || !bytes[index - 1].isIdentifierCharacter
            if startsWord, let prefix = keyPrefixes.first(where: { bytes[index...].starts(with: $0) }) {
                var end = index + prefix.count
                while end < bytes.count, bytes[end].isIdentifierCharacter { end += 1 }
                if end - index - prefix.count >= 16 {
                    output += bytes[copiedUpTo..<index]
                    output += replacement.utf8
                    index = end
                    copiedUpTo = end
                    continue
                }
            }
            index += 1
        }
        guard copiedUpTo > 0 else { return false }
        output += bytes[copiedUpTo...]
        bytes = output
        return true
    }
}

extension SecretRedactor {
    /// The error with its message redacted: upstreams sometimes quote the key they refused.
    package func redact(_ error: AnthropicError) -> AnthropicError {
        var redacted = error
        redacted.message = redact(error.message)
        return redacted
    }
}
