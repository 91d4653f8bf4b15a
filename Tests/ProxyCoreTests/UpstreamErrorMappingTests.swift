import ProxyCore
import Testing

/// An upstream's HTTP error as the client sees it: Anthropic's type and status, the upstream's own
/// words, and the headers that steer retries.
@Suite struct UpstreamErrorMappingTests {
    private func mapped(
        _ status: Int, _ body: String = #"{"error":{"message":"nope"}}"#, provider: Provider = .openAI, headers: [String: String] = [:],
        keyVariable: String? = "OPENAI_API_KEY"
    ) -> AnthropicError {
        UpstreamErrorMapping.error(status: status, provider: provider, model: "gpt-4o", body: Array(body.utf8), headers: headers, keyVariable: keyVariable)
    }

    private func message(_ body: String) -> String {
        UpstreamErrorMapping.upstreamMessage(Array(body.utf8))
    }

    // MARK: - Status

    @Test(arguments: [
        (400, AnthropicError.Kind.invalidRequest, 400),
        (401, .authentication, 401),
        (402, .invalidRequest, 400),
        (403, .permission, 403),
        (404, .notFound, 404),
        (405, .invalidRequest, 400),
        (408, .timeout, 504),
        (409, .invalidRequest, 400),
        (413, .requestTooLarge, 413),
        (418, .invalidRequest, 400),
        (422, .invalidRequest, 400),
        (429, .rateLimit, 429),
        (451, .invalidRequest, 400),
        (499, .invalidRequest, 400),
        (500, .api, 500),
        (501, .api, 501),
        (502, .api, 502),
        (503, .overloaded, 529),
        (504, .timeout, 504),
        (520, .api, 520),
        (529, .overloaded, 529),
        (599, .api, 599),
        (200, .api, 500),
        (302, .api, 500),
        (600, .api, 500),
        (0, .api, 500),
    ])
    func upstreamStatusesMapToAnthropicKindsAndStatuses(upstream: Int, kind: AnthropicError.Kind, status: Int) {
        let pair = UpstreamErrorMapping.kindAndStatus(forUpstreamStatus: upstream)
        #expect(pair.0 == kind)
        #expect(pair.1 == status)
        let error = mapped(upstream)
        #expect(error.kind == kind)
        #expect(error.status == status)
    }

    @Test func theMessageNamesProviderModelStatusAndTheUpstreamsWords() {
        let error = mapped(429, #"{"error":{"message":"Rate limit reached for gpt-4o","type":"requests"}}"#)
        #expect(error.message == "OpenAI upstream (model 'gpt-4o') answered HTTP 429: Rate limit reached for gpt-4o")
        let anthropic = mapped(529, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, provider: .anthropic, keyVariable: nil)
        #expect(anthropic.message == "Anthropic upstream (model 'gpt-4o') answered HTTP 529: Overloaded")
        #expect(mapped(500, provider: .gemini).message.hasPrefix("Gemini upstream (model 'gpt-4o') answered HTTP 500: "))
    }

    // MARK: - Message extraction

    @Test func messageComesFromErrorMessage() {
        #expect(message(#"{"error":{"message":"Invalid 'messages[1].content'","type":"invalid_request_error","param":null}}"#) == "Invalid 'messages[1].content'")
    }

    @Test func messageComesFromAnErrorString() {
        #expect(message(#"{"error":"model not found","code":404}"#) == "model not found")
    }

    @Test func messageComesFromATopLevelMessage() {
        #expect(message(#"{"object":"error","message":"vLLM says no","code":400}"#) == "vLLM says no")
    }

    @Test func messageComesFromDetail() {
        #expect(message(#"{"detail":"Not Found"}"#) == "Not Found")
    }

    @Test func messageComesFromAnArrayOfErrors() {
        #expect(message(#"[{"error":{"code":400,"message":"Gemini says no","status":"INVALID_ARGUMENT"}}]"#) == "Gemini says no")
    }

    @Test func emptyMessagesAreSkippedForTheNextPlace() {
        #expect(message(#"{"error":{"message":""},"message":"","detail":"the detail"}"#) == "the detail")
    }

    @Test func errorMessageWinsOverOtherPlaces() {
        #expect(message(#"{"detail":"d","message":"m","error":{"message":"e"}}"#) == "e")
        #expect(message(#"{"detail":"d","message":"m"}"#) == "m")
    }

    @Test func jsonWithoutAMessageIsQuotedWhole() {
        #expect(message(#"{ "detail": [ {"loc": ["body","model"], "msg": "field required"} ] }"#) == #"{"detail":[{"loc":["body","model"],"msg":"field required"}]}"#)
        #expect(message(#"{"error":{"code":500}}"#) == #"{"error":{"code":500}}"#)
        #expect(message(#""bare string""#) == #""bare string""#)
    }

    @Test func anHTMLPageIsNamedByItsTitle() {
        let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
        #expect(message("\n" + page + "\n") == "an HTML page titled '502 Bad Gateway'")
        let python = "<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <title>Error response</title>\n"
        #expect(message(python) == "an HTML page titled 'Error response'")
        #expect(message("<html><body><h1>Welcome to nginx!</h1></body></html>") == "an HTML page: Welcome to nginx!")
        let untitled = "<!DOCTYPE html><html><body>" + String(repeating: "<p>Something went wrong.</p>", count: 10) + "</body></html>"
        #expect(message(untitled) == "an HTML page: " + String(String(repeating: "Something went wrong. ", count: 10).prefix(120)) + "…")
        #expect(message("<html><body><img src=x></body></html>") == "an HTML page")
    }

    @Test func textOnSeveralLinesIsQuotedOnOne() {
        #expect(message("Service Unavailable\r\n\r\n  try again later\n") == "a non-JSON body: Service Unavailable try again later")
    }

    @Test func plainTextAndEmptyBodies() {
        #expect(message("upstream connect error or disconnect/reset before headers") == "a non-JSON body: upstream connect error or disconnect/reset before headers")
        #expect(message("") == "(empty body)")
        #expect(message(" \n\t ") == "(empty body)")
    }

    @Test func aNonJSONBodyIsCutToItsFirst300BytesBeforeQuoting() {
        // 500 bytes of two-byte characters: the first 300 bytes are 150 characters, under the
        // 200-character limit, so they are quoted without an ellipsis.
        let body = String(repeating: "é", count: 250)
        #expect(message(body) == "a non-JSON body: " + String(repeating: "é", count: 150))
    }

    // MARK: - Keys

    @Test func rejectedKeysNameTheVariableNotTheKey() {
        let body = #"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}"#
        let error = mapped(401, body, keyVariable: "CHANNEL_WORK_API_KEY")
        #expect(error.status == 401)
        #expect(error.kind == .authentication)
        #expect(error.message == "OpenAI upstream (model 'gpt-4o') answered HTTP 401: Incorrect API key provided. Check CHANNEL_WORK_API_KEY.")
        #expect(mapped(403, keyVariable: "OPENAI_API_KEY").message.hasSuffix("nope Check OPENAI_API_KEY."))
    }

    @Test func otherStatusesAndUnknownKeySourcesNameNoVariable() {
        #expect(mapped(400, keyVariable: "OPENAI_API_KEY").message == "OpenAI upstream (model 'gpt-4o') answered HTTP 400: nope")
        #expect(mapped(401, keyVariable: nil).message == "OpenAI upstream (model 'gpt-4o') answered HTTP 401: nope")
    }

    // MARK: - Retry headers

    @Test(arguments: [("3", "3"), ("0", "0"), ("1.2", "2"), ("0.01", "1"), (" 7 ", "7"), ("30.0", "30")])
    func retryAfterSecondsAreRoundedUp(value: String, expected: String) {
        #expect(mapped(429, headers: ["retry-after": value]).headers == ["retry-after": expected])
    }

    @Test(arguments: [("1500", "2"), ("200", "1"), ("1000", "1"), ("0", "0"), ("2500.5", "3")])
    func retryAfterMillisecondsBecomeWholeSeconds(value: String, expected: String) {
        #expect(mapped(429, headers: ["retry-after-ms": value]).headers == ["retry-after": expected])
    }

    @Test func retryAfterSecondsWinOverMilliseconds() {
        #expect(mapped(429, headers: ["retry-after": "4", "retry-after-ms": "9000"]).headers == ["retry-after": "4"])
    }

    @Test func unreadableRetryAfterFallsBackToMillisecondsOrNothing() {
        let date = "Wed, 21 Oct 2015 07:28:00 GMT"
        #expect(mapped(503, headers: ["retry-after": date]).headers == [:])
        #expect(mapped(503, headers: ["retry-after": "-1"]).headers == [:])
        #expect(mapped(503, headers: ["retry-after": date, "retry-after-ms": "2000"]).headers == ["retry-after": "2"])
        #expect(mapped(503, headers: ["retry-after-ms": "soon"]).headers == [:])
    }

    @Test func shouldRetryIsPassedOnAndOtherHeadersAreNot() {
        let error = mapped(500, headers: ["x-should-retry": "false", "x-request-id": "req_1", "content-type": "application/json"])
        #expect(error.headers == ["x-should-retry": "false"])
        #expect(mapped(500, headers: ["x-should-retry": "true", "retry-after": "1"]).headers == ["x-should-retry": "true", "retry-after": "1"])
    }

    @Test func aClientErrorWithoutPromptFiguresIsNotRestatedAsOverflow() {
        let body = #"{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.","code":"context_length_exceeded"}}"#
        let error = mapped(400, body)
        #expect(error.message.hasPrefix("OpenAI upstream (model 'gpt-4o') answered HTTP 400: This model's maximum context length"))
    }
}
