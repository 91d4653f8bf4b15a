import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs an application on 127.0.0.1 for the duration of `body`, which receives the bound port;
/// the application stops when `body` returns or throws.
///
/// It stops gracefully, as a server does, and is cancelled only if it has not stopped a second
/// later: a server cancelled at once stops taking the connections it has accepted, and NIO stops
/// the test process (“Deinited NIOAsyncWriter without calling finish()”) when one of them becomes
/// active afterwards, which a client connecting just then makes happen (it did, once, in CI).
func withLiveApplication<App: ApplicationProtocol, Result: Sendable>(
    _ makeApplication: (@escaping @Sendable (any Channel) async -> Void) -> App,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = makeApplication { channel in
        continuation.yield(channel.localAddress?.port ?? 0)
        continuation.finish()
    }
    var configuration = ServiceGroupConfiguration(services: [app], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    configuration.maximumGracefulShutdownDuration = .seconds(1)
    let group = ServiceGroup(configuration: configuration)
    // How the group ends does not matter to the test: cancelled past its limit, it throws.
    let running = Task { try? await group.run() }
    func stop() async {
        await group.triggerGracefulShutdown()
        await running.value
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port != 0 else {
        await stop()
        throw CancellationError()
    }
    do {
        let result = try await body(port)
        await stop()
        return result
    } catch {
        await stop()
        throw error
    }
}

/// Runs `body` with a fresh fake OpenAI upstream on 127.0.0.1 and its URL (`http://127.0.0.1:PORT`).
func withFakeOpenAIUpstream<Result: Sendable>(_ body: (FakeOpenAIUpstream, String) async throws -> Result) async throws -> Result {
    let fake = FakeOpenAIUpstream()
    let router = Router()
    fake.register(on: router)
    let quiet = Logger(label: "fake-upstream") { _ in SwiftLogNoOpLogHandler() }
    return try await withLiveApplication({ onRunning in
        Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning, logger: quiet)
    }) { port in
        try await body(fake, "http://127.0.0.1:\(port)")
    }
}
