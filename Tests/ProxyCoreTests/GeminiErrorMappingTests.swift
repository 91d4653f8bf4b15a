import ProxyCore
import Testing

/// Gemini's errors reach the client as the Anthropic errors its SDK classifies and retries right.
@Suite struct GeminiErrorMappingTests {
    private func map(_ status: Int, _ error: JSONValue, headers: [String: String] = [:]) -> AnthropicError {
        GeminiErrorMapping.error(
            status: status, model: "gemini-2.5-pro", body: JSONWriter.encode(["error": error]), headers: headers, keyVariable: "GEMINI_API_KEY",
            prompt: (estimatedTokens: 5_000, contextWindow: 1_048_576))
    }

    @Test func anInvalidKeyIsAnAuthenticationErrorNamingTheSetting() {
        let error = map(
            400,
            [
                "code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
                "details": [["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"]],
            ])
        #expect(error.status == 401 && error.kind == .authentication)
        #expect(error.message == "Gemini upstream (model 'gemini-2.5-pro') answered HTTP 400: API key not valid. Please pass a valid API key. Check GEMINI_API_KEY.")
    }

    @Test func resourceExhaustedIsARateLimitWithTheRetryDelayAsRetryAfter() {
        let error = map(
            429,
            [
                "code": 429, "message": "You exceeded your current quota.", "status": "RESOURCE_EXHAUSTED",
                "details": [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "36.5s"]],
            ])
        #expect(error.status == 429 && error.kind == .rateLimit)
        #expect(error.headers == ["retry-after": "37"])
        #expect(map(429, ["code": 429, "message": "Slow down", "status": "RESOURCE_EXHAUSTED"], headers: ["retry-after": "5"]).headers == ["retry-after": "5"])
    }

    @Test(arguments: [
        (503, "UNAVAILABLE", AnthropicError.Kind.overloaded, 529), (500, "INTERNAL", .api, 500), (400, "INVALID_ARGUMENT", .invalidRequest, 400),
        (400, "FAILED_PRECONDITION", .invalidRequest, 400), (403, "PERMISSION_DENIED", .permission, 403), (404, "NOT_FOUND", .notFound, 404),
        (504, "DEADLINE_EXCEEDED", .timeout, 504), (500, "RESOURCE_EXHAUSTED", .rateLimit, 429), (200, "UNAVAILABLE", .overloaded, 529),
    ])
    func statusNamesDecideTheType(httpStatus: Int, statusName: String, kind: AnthropicError.Kind, clientStatus: Int) {
        let error = map(httpStatus, ["code": .int(httpStatus), "message": "Something happened.", "status": .string(statusName)])
        #expect(error.kind == kind && error.status == clientStatus)
        #expect(error.message.contains("answered HTTP \(httpStatus): Something happened."))
    }

    @Test func contextOverflowIsTheErrorClaudeCodeCompactsOn() {
        let error = map(
            400,
            [
                "code": 400, "message": "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
                "status": "INVALID_ARGUMENT",
            ])
        #expect(error == .invalidRequest("prompt is too long: 1200000 tokens > 1048576 maximum"))
    }
}
