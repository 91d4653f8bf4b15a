@testable import ProxyServer
import ProxyCore

extension MessageThreadStore {
    /// `append` with the messages' JSON size measured here, as a turn measures it.
    func append(_ messages: [JSONValue], replyID: String, after previousID: String, at now: UTCTime) async throws {
        try await append(messages, jsonBytes: JSONWriter.encodedCount(.array(messages)), replyID: replyID, after: previousID, at: now)
    }
}
