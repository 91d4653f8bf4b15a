import ProxyCore
import Testing

@Suite struct ThreadDirectiveTests {
    private let beta = ["message-threads-2026-08-12"]

    private func directive(_ thread: JSONValue?, betas: [String]? = nil) throws(AnthropicError) -> ThreadDirective? {
        var body: JSONObject = ["model": "m", "messages": []]
        if let thread { body["thread"] = thread }
        return try ThreadDirective(body: .object(body), betas: betas ?? beta)
    }

    @Test func createAndContinueAreRead() throws {
        #expect(try directive(["type": "create"]) == .create)
        #expect(try directive(["type": "continue", "previous_message_id": "msg_1"]) == .continue(previousMessageID: "msg_1"))
    }

    @Test func noThreadOrANullOneIsNoDirective() throws {
        #expect(try directive(nil) == nil)
        #expect(try directive(.null) == nil)
        #expect(try directive(nil, betas: []) == nil, "no beta is needed without a thread")
    }

    @Test func theBetaIsFoundInACommaListAmongOthers() throws {
        #expect(try directive(["type": "create"], betas: ["prompt-caching-2024-07-31, message-threads-2026-08-12"]) == .create)
        #expect(try directive(["type": "create"], betas: ["files-api-2025-04-14", "message-threads-2026-08-12"]) == .create)
    }

    struct BadThread: Sendable, CustomTestStringConvertible {
        var thread: JSONValue
        var betas: [String] = ["message-threads-2026-08-12"]
        var message: String
        var testDescription: String { message }
    }

    static let badThreads: [BadThread] = [
        BadThread(thread: ["type": "create"], betas: [], message: "thread: message threads are a beta: add 'message-threads-2026-08-12' to the anthropic-beta header"),
        BadThread(thread: "create", message: "thread: must be an object"),
        BadThread(thread: ["type": "fork"], message: "thread.type: must be 'create' or 'continue', not 'fork'"),
        BadThread(thread: ["previous_message_id": "msg_1"], message: "thread.type: must be 'create' or 'continue', not missing"),
        BadThread(thread: ["type": "continue"], message: "thread.previous_message_id: Field required"),
        BadThread(thread: ["type": "continue", "previous_message_id": ""], message: "thread.previous_message_id: Field required"),
        BadThread(thread: ["type": "create", "previous_message_id": "msg_1"], message: "thread.previous_message_id: Extra inputs are not permitted"),
    ]

    @Test(arguments: badThreads)
    func aBadThreadSaysWhatToFix(_ bad: BadThread) {
        #expect {
            _ = try directive(bad.thread, betas: bad.betas)
        } throws: { error in
            guard let error = error as? AnthropicError else { return false }
            return error.status == 400 && error.kind == .invalidRequest && error.message.hasPrefix(bad.message)
        }
    }

    @Test func theThreadErrorsCarryTheCodesTheSDKsRead() {
        let cases: [(AnthropicError, Int, String)] = [
            (.threadNotFound("msg_1"), 404, "thread_not_found"),
            (.threadAlreadyContinued("msg_1"), 400, "thread_already_continued"),
            (.threadContinueInFlight("msg_1"), 400, "thread_continue_in_flight"),
            (.threadFingerprintMismatch(["system"]), 400, "thread_fingerprint_mismatch"),
        ]
        for (error, status, code) in cases {
            #expect(error.status == status)
            #expect(error.json["error"]?["details"] == ["error_code": .string(code)])
            #expect(error.json["error"]?["type"] == (status == 404 ? "not_found_error" : "invalid_request_error"))
        }
        #expect(AnthropicError.threadFingerprintMismatch(["system", "tools"]).message.hasPrefix("thread: `system` and `tools` differ from the thread's"))
    }
}
