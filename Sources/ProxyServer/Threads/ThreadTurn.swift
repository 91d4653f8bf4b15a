import Hummingbird
import Logging
import NIOCore
import ProxyCore

/// One turn of a message thread, from the request that opened it to its reply: keeps the reply
/// for the next turn once the client has it, and otherwise lets the turn it continued from be
/// continued again.
struct ThreadTurn: Sendable {
    enum Kind: Sendable {
        /// A new thread, with the create-only fields of its first request.
        case create(fields: JSONObject)
        case `continue`(previousID: String)
    }

    let threads: MessageThreads
    let kind: Kind
    let owner: String
    /// The messages the request sent, as a thread keeps them.
    let newMessages: [JSONValue]
    /// The size of the request's own body: whether measuring its messages to keep them is bulk
    /// work (a thread created with a whole late session, after the one it had was lost).
    let requestBytes: Int

    /// `outcome`, with the reply kept before the client sees the end of it: a client that sends
    /// the next turn as soon as this one ends finds it there.
    func close(_ outcome: ExchangeOutcome, logger: Logger) async -> ExchangeOutcome {
        switch outcome {
        case .response(let response, let usage, let error):
            guard (200..<300).contains(response.status.code) else {
                await release()
                return outcome
            }
            let bytes = await response.body.collected()
            if let reply = ThreadReply(wholeBody: bytes) { await keep(reply, logger: logger) } else { await release() }
            var whole = response
            whole.body = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            return .response(whole, usage: usage, error: error)
        case .stream(let status, let headers, let produce):
            guard (200..<300).contains(status.code) else {
                await release()
                return outcome
            }
            return .stream(status: status, headers: headers) { sink in
                let tap = ThreadReplyTap()
                let ending: StreamEnding
                do {
                    ending = try await produce(sink.tapped(by: tap))
                } catch {
                    await release()
                    throw error
                }
                if case .completed = ending, let reply = tap.reply { await keep(reply, logger: logger) } else { await release() }
                try sink.write(tap.heldBack)
                return ending
            }
        }
    }

    private func keep(_ reply: ThreadReply, logger: Logger) async {
        let messages = newMessages + [reply.message]
        let jsonBytes = await BulkWorkExecutor.run(forBytes: requestBytes) { JSONWriter.encodedCount(.array(messages)) }
        do {
            switch kind {
            case .create(let fields):
                let conversation = ThreadConversation(owner: owner, fields: fields, messages: messages, jsonBytes: jsonBytes)
                try await threads.store.create(conversation, replyID: reply.id, at: threads.now())
            case .continue(let previousID):
                try await threads.store.append(messages, jsonBytes: jsonBytes, replyID: reply.id, after: previousID, at: threads.now())
            }
        } catch {
            // The client has its reply; its next turn finds no thread and sends the whole conversation.
            logger.warning("Message thread: the reply \(reply.id) could not be kept (\(error)); the next turn will start a new thread.")
            await release()
        }
    }

    private func release() async {
        if case .continue(let previousID) = kind { await threads.store.release(previousID) }
    }
}
