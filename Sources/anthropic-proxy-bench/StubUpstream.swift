import ArgumentParser
import NIOCore
import NIOHTTP1
import NIOPosix

/// An upstream that answers at once with fixed replies, so that what a benchmark measures is the
/// proxy: OpenAI Chat Completions (`POST /v1/chat/completions`, whole or a stream of 184 chunks)
/// and Gemini (`:generateContent`, `:streamGenerateContent`, and `cachedContents` to make and
/// delete explicit prompt caches), the Responses API (`POST /v1/responses`), and Anthropic
/// (`POST /v1/messages`, for the passthrough). See `StubRequestHandler`.
struct StubUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upstream", abstract: "Serve fixed OpenAI (Chat and Responses), Gemini and Anthropic replies on 127.0.0.1.")

    @Option(help: "Port to listen on.")
    var port = 18090

    /// The most a read takes from a connection: a late session's request is megabytes, which
    /// 64 KB reads (NIO's usual most) cut into dozens.
    private static let largestRead = 1 << 20

    func run() async throws {
        let replies = StubReplies()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: Self.largestRead))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StubRequestHandler(replies: replies))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        try await channel.closeFuture.get()
    }
}
