import NIOCore
import NIOHTTP1
import ProxyCore
import Synchronization

/// Serves one connection of the stub upstream on its event loop, as a static file server would:
/// the reply is written by the event loop that read the request, and a body is read and let go
/// part by part, searched only when it asks for a stream.
///
/// The proxy waits for the stub, so the stub's cost is in every figure taken through the proxy.
/// Searching each OpenAI body for `"stream":true` and for a paced model took 62% of the stub's
/// time. The proxy asks for a stream in the head as well (`accept: text/event-stream`), and only
/// a stream can be paced.
final class StubRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Endpoint {
        /// OpenAI Chat Completions: whole, streamed, or (a model named `…-paced`) streamed with
        /// its chunks 20 ms apart, as a model producing tokens does, so that many streams stay open.
        case chatCompletions(stream: Bool)
        /// Gemini's explicit prompt caches, which the proxy makes for a conversation's prefix.
        case createCache, deleteCache
        case generateContent(stream: Bool)
        /// Anthropic's Messages API, which the proxy's passthrough forwards the client's body to
        /// as it came: whether it streams is in the body alone.
        case messages
        /// OpenAI's Responses API (`responses/` models).
        case responses(stream: Bool)
        case unknown
    }

    /// The caches made so far: each creation names a cache of its own.
    private static let cacheCount = Atomic<Int>(0)
    /// How far apart a paced stream's chunks are.
    private static let pace = TimeAmount.milliseconds(20)

    private let replies: StubReplies
    private var endpoint = Endpoint.unknown
    private var keepAlive = true
    private var paced = StubBodySearch("-paced\"")
    private var streamed = StubBodySearch("\"stream\":true")

    init(replies: StubReplies) {
        self.replies = replies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            endpoint = Self.endpoint(head)
            keepAlive = head.isKeepAlive
            paced = StubBodySearch("-paced\"")
            streamed = StubBodySearch("\"stream\":true")
        case .body(let part):
            switch endpoint {
            case .chatCompletions(stream: true): paced.scan(part)
            case .messages: streamed.scan(part)
            default: break
            }
        case .end:
            respond(context: context)
        }
    }

    private func respond(context: ChannelHandlerContext) {
        switch endpoint {
        case .chatCompletions(let stream):
            if !stream {
                write(replies.openAIWhole, context: context)
            } else if paced.found {
                writePaced(replies.openAIEvents, context: context)
            } else {
                write(replies.openAIStream, context: context)
            }
        case .createCache:
            let number = Self.cacheCount.add(1, ordering: .relaxed).newValue
            let cache: JSONValue = ["name": .string("cachedContents/stub-\(number)"), "usageMetadata": ["totalTokenCount": 250_000]]
            write(StubReplies.response(JSONWriter.encode(cache), contentType: "application/json"), context: context)
        case .deleteCache:
            write(StubReplies.emptyObject, context: context)
        case .generateContent(let stream):
            write(stream ? replies.geminiStream : replies.geminiWhole, context: context)
        case .messages:
            write(streamed.found ? replies.anthropicStream : replies.anthropicWhole, context: context)
        case .responses(let stream):
            write(stream ? replies.responsesStream : replies.responsesWhole, context: context)
        case .unknown:
            write(StubReplies.emptyObject, status: .notFound, context: context)
        }
    }

    private func write(_ reply: StubReply, status: HTTPResponseStatus = .ok, context: ChannelHandlerContext) {
        var headers = HTTPHeaders([("content-type", reply.contentType), ("content-length", String(reply.body.readableBytes))])
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(reply.body))), promise: nil)
        finish(context: context)
    }

    /// A stream whose events go one at a time, `pace` apart.
    private func writePaced(_ events: [ByteBuffer], context: ChannelHandlerContext) {
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-type": "text/event-stream"])
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        func send(from index: Int) {
            guard index < events.count else { return finish(context: context) }
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(events[index]))), promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: Self.pace) { send(from: index + 1) }
        }
        send(from: 0)
    }

    private func finish(context: ChannelHandlerContext) {
        let keepAlive = keepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    private static func endpoint(_ head: HTTPRequestHead) -> Endpoint {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch head.method {
        case .POST where path == "/v1/chat/completions":
            return .chatCompletions(stream: head.headers[canonicalForm: "accept"].contains("text/event-stream"))
        case .POST where path == "/v1beta/cachedContents":
            return .createCache
        case .DELETE where path.hasPrefix("/v1beta/cachedContents/"):
            return .deleteCache
        case .POST where path.hasPrefix("/v1beta/models/"):
            return .generateContent(stream: path.hasSuffix(":streamGenerateContent"))
        case .POST where path == "/v1/messages":
            return .messages
        case .POST where path == "/v1/responses":
            return .responses(stream: head.headers[canonicalForm: "accept"].contains("text/event-stream"))
        default:
            return .unknown
        }
    }
}
