import ProxyCore
import Testing

@Suite struct RequestRecordTests {
    @Test func claudeCodesSessionIsReadFromItsUserID() {
        let current = #"{"device_id": "abc", "account_uuid": "", "session_id": "00000000-0000-4000-8000-000000000000"}"#
        #expect(RequestRecord.sessionID(fromUserID: current) == "00000000-0000-4000-8000-000000000000")
        #expect(RequestRecord.sessionID(fromUserID: "user_abc_account__session_1234-5678") == "1234-5678")
        #expect(RequestRecord.sessionID(fromUserID: "someone") == nil)
        #expect(RequestRecord.sessionID(fromUserID: #"{"device_id": "abc"}"#) == nil)
        #expect(RequestRecord.sessionID(fromUserID: "{not json") == nil)
        #expect(RequestRecord.sessionID(fromUserID: nil) == nil)
    }

    @Test func redactingClearsWhatClientsAndUpstreamsWrote() {
        let secret = "configured-secret-0123456789"
        var record = RequestRecord(id: "req_1", receivedAt: UTCTime(millisecondsSince1970: 0), method: "POST", path: "/v1/messages")
        record.clientModel = "model-\(secret)"
        record.targets = [AttemptedTarget(RouteTarget(provider: .openAI, model: "model-\(secret)", baseURL: "http://x", apiKeys: ["k"], keyVariable: "OPENAI_API_KEY"))]
        record.sessionID = "session-\(secret)"
        record.fail(with: .invalidRequest("upstream quoted \(secret) and sk-abcdefghijklmnopqrstuvwx"))
        record.redact(with: SecretRedactor(secrets: [secret]))
        #expect(record.clientModel == "model-[REDACTED]")
        #expect(record.sessionID == "session-[REDACTED]")
        #expect(record.target?.model == "model-[REDACTED]" && record.target?.qualifiedModel == "openai/model-[REDACTED]")
        #expect(record.errorMessage == "upstream quoted [REDACTED] and [REDACTED]")
    }

    @Test func failingKeepsTheStatusTheClientGotAndTheErrorsType() {
        var record = RequestRecord(id: "req_1", receivedAt: UTCTime(millisecondsSince1970: 0), method: "POST", path: "/v1/messages")
        record.fail(with: AnthropicError(.timeout, "silent", status: 504), status: 200)
        #expect(record.status == 200 && record.errorType == "timeout_error" && record.errorMessage == "silent")
        record.fail(with: AnthropicError(.rateLimit, "slow down"))
        #expect(record.status == 429 && record.errorType == "rate_limit_error")
    }
}

@Suite struct UTCTimeTests {
    @Test func iso8601() {
        #expect(UTCTime(millisecondsSince1970: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(UTCTime(millisecondsSince1970: 1_795_998_965_123).iso8601 == "2026-11-30T00:36:05.123Z")
        #expect(UTCTime(millisecondsSince1970: 951_782_400_000).iso8601 == "2000-02-29T00:00:00.000Z")
        #expect(UTCTime(millisecondsSince1970: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(UTCTime(millisecondsSince1970: 4_107_542_399_000).iso8601 == "2100-02-28T23:59:59.000Z")
    }
}
