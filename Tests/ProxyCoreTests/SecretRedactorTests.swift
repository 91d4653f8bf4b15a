import ProxyCore
import Testing

/// Keys never reach logs: every configured secret is replaced wherever it appears, and anything
/// shaped like a common API key is replaced too.
@Suite struct SecretRedactorTests {
    private static let r = SecretRedactor.replacement

    @Test func replacementIsRedacted() {
        #expect(SecretRedactor.replacement == "[REDACTED]")
    }

    @Test func everyOccurrenceOfEveryConfiguredSecretIsReplaced() {
        let redactor = SecretRedactor(secrets: ["local-key-1234", "proxy-pass-99"])
        let text = "local-key-1234 then proxy-pass-99, again local-key-1234local-key-1234 and at the end proxy-pass-99"
        #expect(redactor.redact(text) == "\(Self.r) then \(Self.r), again \(Self.r)\(Self.r) and at the end \(Self.r)")
    }

    @Test func secretsInsideJSONAreReplaced() {
        let redactor = SecretRedactor(secrets: ["local-key-1234"])
        let body = JSONWriter.string(["headers": ["x-api-key": "local-key-1234"], "note": "key=local-key-1234;"])
        #expect(redactor.redact(body) == #"{"headers":{"x-api-key":"[REDACTED]"},"note":"key=[REDACTED];"}"#)
    }

    @Test func secretsInAuthorizationHeadersAreReplaced() {
        let redactor = SecretRedactor(secrets: ["local-key-1234"])
        #expect(redactor.redact("Authorization: Bearer local-key-1234\r\nx-api-key: local-key-1234") == "Authorization: Bearer \(Self.r)\r\nx-api-key: \(Self.r)")
    }

    @Test func aSecretContainingAnotherIsReplacedWhole() {
        let redactor = SecretRedactor(secrets: ["abcd1234", "abcd1234efgh5678"])
        #expect(redactor.redact("x abcd1234efgh5678 y abcd1234 z") == "x \(Self.r) y \(Self.r) z")
    }

    @Test func secretsShorterThanFourCharactersAreNotReplaced() {
        let redactor = SecretRedactor(secrets: ["abc", "", "x"])
        #expect(redactor.redact("abc x abcabc") == "abc x abcabc")
    }

    @Test func fourCharacterSecretsAreReplaced() {
        #expect(SecretRedactor(secrets: ["abcd"]).redact("abcd-abcd") == "\(Self.r)-\(Self.r)")
    }

    @Test func noSecretsLeavesTextAlone() {
        let text = "nothing to see: {\"a\":1} Authorization: Bearer short"
        #expect(SecretRedactor(secrets: []).redact(text) == text)
        #expect(SecretRedactor(secrets: ["", "", "ab"]).redact(text) == text)
    }

    @Test func duplicateSecretsAreHarmless() {
        #expect(SecretRedactor(secrets: ["same-secret", "same-secret"]).redact("a same-secret b") == "a \(Self.r) b")
    }

    @Test func secretsWithPatternCharactersAreMatchedLiterally() {
        let redactor = SecretRedactor(secrets: ["a.b*c+d?(e)"])
        #expect(redactor.redact("x a.b*c+d?(e) y aXbbbcd") == "x \(Self.r) y aXbbbcd")
    }

    @Test func everyKeyOfAConfigurationIsRedacted() throws {
        let configuration = try ProxyConfiguration(environment: [
            "OPENAI_API_KEY": "oa-key-0001,oa-key-0002", "GEMINI_API_KEY": "gm-key-0001", "ANTHROPIC_API_KEY": "an-key-0001",
            "BASE_URL": "http://localhost:1/v1", "API_KEY": "gen-key-0001", "CHANNEL_LAN_BASE_URL": "http://lan/v1",
            "CHANNEL_LAN_API_KEY": "lan-key-0001", "PROXY_API_KEY": "proxy-key-0001",
        ])
        let redactor = SecretRedactor(secrets: configuration.secrets)
        let keys = ["oa-key-0001", "oa-key-0002", "gm-key-0001", "an-key-0001", "gen-key-0001", "lan-key-0001", "proxy-key-0001"]
        let line = keys.map { "Authorization: Bearer \($0)" }.joined(separator: "\n")
        #expect(redactor.redact(line) == keys.map { _ in "Authorization: Bearer \(Self.r)" }.joined(separator: "\n"))
    }

    // MARK: - Key shapes

    @Test(arguments: [
        "sk-abcdefghijklmnop", "sk-proj-AbC_123-xyz456789", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "AIzaSyA1234567890abcdefghijklmnopqrs",
        "xai-0123456789abcdef", "gsk_0123456789ABCDEF",
    ])
    func keyShapedTokensAreReplacedEvenWhenUnknown(key: String) {
        let redactor = SecretRedactor(secrets: [])
        #expect(redactor.redact("Authorization: Bearer \(key)") == "Authorization: Bearer \(Self.r)")
        #expect(redactor.redact(#"{"key":"\#(key)"}"#) == #"{"key":"[REDACTED]"}"#)
    }

    @Test func keyShapesNeedSixteenCharactersAfterThePrefix() {
        let redactor = SecretRedactor(secrets: [])
        #expect(redactor.redact("sk-abcdefghijklmno") == "sk-abcdefghijklmno")
        #expect(redactor.redact("sk-abcdefghijklmnop.") == "\(Self.r).")
    }

    @Test func keyShapesMustStartAWord() {
        let redactor = SecretRedactor(secrets: [])
        #expect(redactor.redact("task-abcdefghijklmnopqrst") == "task-abcdefghijklmnopqrst")
        #expect(redactor.redact("disk_sk-abcdefghijklmnopqrst") == "disk_sk-abcdefghijklmnopqrst")
        #expect(redactor.redact("(sk-abcdefghijklmnopqrst)") == "(\(Self.r))")
        #expect(redactor.redact("é sk-abcdefghijklmnopqrst é") == "é \(Self.r) é")
    }

    @Test func keyShapesEndAtTheFirstNonKeyCharacter() {
        let redactor = SecretRedactor(secrets: [])
        #expect(redactor.redact("sk-abcdefghijklmnopqrst/path?x=1") == "\(Self.r)/path?x=1")
        #expect(redactor.redact("a sk-aaaaaaaaaaaaaaaaaaaa b sk-bbbbbbbbbbbbbbbbbbbb c") == "a \(Self.r) b \(Self.r) c")
    }
}
