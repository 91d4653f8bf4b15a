import Logging
import ProxyCore
import ProxyServer
import ServiceLifecycle
import Testing

/// Runs the proxy in a service group, as `serve` does (with more time to stop, see below), for
/// tests of what happens at shutdown. `body` gets the proxy's URL and the group; when it returns,
/// the group shuts down gracefully and this waits for it (when it throws, the group is cancelled).
func withProxyInServiceGroup(
    configuration: ProxyConfiguration, _ body: (_ proxyURL: String, _ group: ServiceGroup) async throws -> Void
) async throws {
    // Kept to say why, should the group not end cleanly: ServiceLifecycle logs (at debug) when it
    // gives up waiting for a service, and for which.
    let lines = RecordingLogHandler.Lines()
    let started = ContinuousClock.now
    let logger = Logger(label: "test") { _ in RecordingLogHandler(lines: lines, logLevel: .debug, detailedSince: started) }
    var configuration = configuration
    configuration.port = 0
    let upstreamClient = ProxyServer.makeHTTPClient(configuration: configuration)
    let (ports, portContinuation) = AsyncStream<Int>.makeStream()
    let app = ProxyServer.makeApplication(configuration: configuration, httpClient: upstreamClient, logger: logger) { channel in
        portContinuation.yield(channel.localAddress?.port ?? 0)
        portContinuation.finish()
    }
    var lifecycle = ServiceGroupConfiguration(services: [app], logger: logger)
    // The server's limit (the grace period and 2 s) and then some: the whole suite at once on two
    // cores starves the services' own shutdown (one run's log showed Hummingbird's date cache take
    // 2.8 s to stop, after the server had stopped in time), and the tests check what the streams
    // get within the grace period, which StreamSupervisor keeps, not the group's limit.
    lifecycle.maximumGracefulShutdownDuration = ProxyServer.gracefulShutdownLimit(configuration) + .seconds(30)
    let group = ServiceGroup(configuration: lifecycle)
    let running = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    do {
        let port = try #require(await iterator.next())
        try await body("http://127.0.0.1:\(port)", group)
    } catch {
        Issue.record("The body threw \(error) \(ContinuousClock.now - started) after the start; the service group's log:\n\(lines.all.joined(separator: "\n"))")
        running.cancel()
        try? await upstreamClient.shutdown()
        throw error
    }
    let shutdownBegan = ContinuousClock.now
    await group.triggerGracefulShutdown()
    // The client is shut down however the group ended: one left to its deinit stops the test process.
    let ended = await running.result
    try await upstreamClient.shutdown()
    do {
        try ended.get()
    } catch {
        Issue.record("The service group ended \(ContinuousClock.now - shutdownBegan) after the body with \(error); its log:\n\(lines.all.joined(separator: "\n"))")
        throw error
    }
}
