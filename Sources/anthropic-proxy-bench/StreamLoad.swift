import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import ProxyCore

/// Opens many streaming requests at once and checks that every one arrives complete and
/// byte-identical to the others (but for the message id), then prints one JSON line of figures.
struct StreamLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "streams", abstract: "Run concurrent streams through the proxy and check them.")

    @Option(help: "The proxy's messages URL.")
    var url = "http://127.0.0.1:8082/v1/messages"

    @Option(help: "A file holding the request body (with stream: true).")
    var body: String

    @Option(help: "How many streams to run at once.")
    var streams = 1000

    @Option(help: "The text every stream must carry (default: the stub upstream's).")
    var expectText = StubReplies.text

    func run() async throws {
        let requestBody = try Data(contentsOf: URL(fileURLWithPath: body))
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(30), read: .seconds(120)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: streams)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let started = ContinuousClock.now
        let results = await withTaskGroup(of: StreamResult.self) { group in
            for _ in 0..<streams {
                group.addTask { await Self.fetch(client: client, url: url, body: requestBody) }
            }
            var results: [StreamResult] = []
            for await result in group { results.append(result) }
            return results
        }
        let elapsed = ContinuousClock.now - started
        try await client.shutdown()

        let reference = results.first { $0.status == 200 }.map(\.normalizedBody)
        let complete = results.filter { $0.status == 200 && Self.carries(expectText, $0.body) }.count
        let identical = results.filter { $0.normalizedBody == reference }.count
        let durations = results.map(\.milliseconds).sorted()
        let summary: JSONValue = [
            "streams": .int(streams), "complete": .int(complete), "identical": .int(identical),
            "failures": .array(Set(results.compactMap(\.failure)).sorted().prefix(5).map(JSONValue.string)),
            "seconds": .double(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18),
            "p50_ms": .double(durations[durations.count / 2]), "max_ms": .double(durations.last ?? 0),
        ]
        print(JSONWriter.string(summary))
        if complete != streams || identical != streams { throw ExitCode.failure }
    }

    private struct StreamResult: Sendable {
        var status = 0
        var body: [UInt8] = []
        var milliseconds = 0.0
        var failure: String?

        /// The body with its random message id blanked, so that streams compare byte for byte.
        var normalizedBody: [UInt8] {
            guard let start = body.firstRange(of: Array("\"msg_".utf8))?.lowerBound else { return body }
            var normalized = body
            let idStart = start + 5
            let idEnd = normalized[idStart...].firstIndex(of: UInt8(ascii: "\"")) ?? idStart
            normalized.removeSubrange(idStart..<idEnd)
            return normalized
        }
    }

    private static func fetch(client: HTTPClient, url: String, body: Data) async -> StreamResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let started = ContinuousClock.now
        var result = StreamResult()
        do {
            let response = try await client.execute(request, timeout: .seconds(120))
            result.status = Int(response.status.code)
            for try await chunk in response.body { result.body += chunk.readableBytesView }
        } catch {
            result.failure = "\(error)"
        }
        let elapsed = ContinuousClock.now - started
        result.milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return result
    }

    /// Whether a stream is grammatical, ends with `message_stop`, and its text is `text`.
    private static func carries(_ text: String, _ body: [UInt8]) -> Bool {
        var parser = SSEParser()
        var accumulator = StreamAccumulator()
        do {
            for event in parser.feed(body) + parser.finish() {
                try accumulator.consume(try AnthropicStreamEvent(sse: event))
            }
        } catch {
            return false
        }
        return accumulator.finalMessage?.content == [.text(text)]
    }
}
