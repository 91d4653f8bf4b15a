import Hummingbird
import Logging
import NIOCore

/// Runs an application on 127.0.0.1 for the duration of `body`, which receives the bound port;
/// the application stops when `body` returns or throws.
func withLiveApplication<App: ApplicationProtocol, Result: Sendable>(
    _ makeApplication: (@escaping @Sendable (any Channel) async -> Void) -> App,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = makeApplication { channel in
        continuation.yield(channel.localAddress?.port ?? 0)
        continuation.finish()
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port != 0 else {
            group.cancelAll()
            throw CancellationError()
        }
        do {
            let result = try await body(port)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
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
