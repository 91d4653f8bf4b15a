import ProxyCore
import Testing

/// Inputs that once crashed the proxy, leaked a key or were sent on malformed; each fixed, each kept.
@Suite struct RobustnessRegressionTests {
    private func retryAfter(_ headers: [String: String]) -> String? {
        UpstreamErrorMapping.error(status: 429, provider: .openAI, model: "m", body: [], headers: headers, keyVariable: nil).headers["retry-after"]
    }

    @Test func absurdRetryHeadersFromAnUpstreamNeitherCrashNorPassOn() {
        #expect(retryAfter(["retry-after": "1e20"]) == "86400")
        #expect(retryAfter(["retry-after": "inf"]) == nil)
        #expect(retryAfter(["retry-after": "nan"]) == nil)
        #expect(retryAfter(["retry-after-ms": "inf"]) == nil)
        #expect(retryAfter(["retry-after-ms": "nan"]) == nil)
        #expect(retryAfter(["retry-after-ms": "-5000"]) == nil)
        #expect(retryAfter(["retry-after-ms": "2500"]) == "3")
    }

    @Test func nonFiniteSamplingParametersAreA400NotInvalidJSONUpstream() {
        let request: JSONValue = ["model": "m", "max_tokens": 10, "messages": [["role": "user", "content": "hi"]], "temperature": .number("1e400")]
        #expect(throws: AnthropicError.invalidRequest("temperature: must be a finite number")) { try MessagesRequest(json: request) }
        #expect(JSONValue.double(.infinity) == .null)
        #expect(JSONValue.double(.nan) == .null)
    }

    @Test func unpairedHighSurrogateBeforeAPairKeepsThePair() throws {
        #expect(try JSONParser.parse(#""\ud83d\ud83d\ude00""#) == .string("\u{FFFD}😀"))
    }

    @Test func crlfCountsAsWhiteSpace() {
        #expect(UpstreamErrorMapping.upstreamMessage(Array("Bad Gateway\r\n".utf8)) == "a non-JSON body: Bad Gateway")
        #expect(UpstreamErrorMapping.upstreamMessage(Array(" \r\n".utf8)) == "(empty body)")
    }

    @Test func dotEnvKeepsEscapedQuotesInsideDoubleQuotes() {
        #expect(DotEnv.parse(#"A="say \"hi\" now""#) == ["A": #"say "hi" now"#])
    }

    @Test func secretsAreRedactedInTheirJSONEscapedForms() {
        let secret = #"pa"ss\word/1234"#
        let redactor = SecretRedactor(secrets: [secret])
        let logged = JSONWriter.string(["k": .string(secret)])
        #expect(redactor.redact(logged) == #"{"k":"[REDACTED]"}"#)
        #expect(redactor.redact(#"{"k":"pa\"ss\\word\/1234"}"#) == #"{"k":"[REDACTED]"}"#)
    }

    @Test func passthroughRewritesTheModelInAStreamFramedWithCarriageReturns() {
        var rewriter = AnthropicStreamModelRewriter(model: "claude-sonnet-4-6")
        let output = rewriter.feed(Array("event: message_start\rdata: {\"type\":\"message_start\",\"message\":{\"model\":\"old\"}}\r\r".utf8))
        #expect(String(decoding: output, as: UTF8.self).contains(#""model":"claude-sonnet-4-6""#))
    }
}
