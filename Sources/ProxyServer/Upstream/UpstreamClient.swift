import AsyncHTTPClient
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import ProxyCore

/// Sends requests to upstreams over one pooled AsyncHTTPClient, turning transport failures into
/// typed failures whose client error says what went wrong and where.
struct UpstreamClient: Sendable {
    let httpClient: HTTPClient
    /// How long to wait for the upstream's response head (`FIRST_BYTE_TIMEOUT_SECONDS`).
    let firstByteTimeout: Duration
    /// How long a whole reply's body may take after its head (`IDLE_TIMEOUT_SECONDS`).
    let idleTimeout: Duration

    /// A deadline, elapsed, as the error message names it.
    private struct BodyTimeout: Error {}

    /// The most bytes read from an upstream's whole (non-streamed) reply or error body.
    static let maximumReplyBytes = 64 * 1024 * 1024

    func post(_ url: String, headers: HTTPHeaders, body: ByteBuffer, describing target: RouteTarget) async throws(UpstreamFailure) -> HTTPClientResponse {
        try await send(.POST, url, headers: headers, body: body, describing: target)
    }

    func send(_ method: HTTPMethod, _ url: String, headers: HTTPHeaders, body: ByteBuffer?, describing target: RouteTarget) async throws(UpstreamFailure)
        -> HTTPClientResponse
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body {
            let length = HTTPClientRequest.Body.Length.known(Int64(body.readableBytes))
            // A large body goes as a sequence, read by a task of AsyncHTTPClient's: one crossing
            // of threads is little beside its time, where the copy `SentOnceBytes` makes on the
            // event loop is not (and a collection over 4 MB is read in slices).
            request.body = body.readableBytes < BulkWorkExecutor.threshold ? .bytes(SentOnceBytes(body), length: length) : .stream(SentOnceBody(body), length: length)
        }
        do {
            return try await httpClient.execute(request, timeout: TimeAmount(firstByteTimeout))
        } catch {
            throw Self.transportError(error, target: target)
        }
    }

    /// Reads a whole reply body, up to `maximumReplyBytes`, within the idle timeout.
    func collect(_ response: HTTPClientResponse, describing target: RouteTarget) async throws(UpstreamFailure) -> [UInt8] {
        let idleTimeout = idleTimeout
        do {
            return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask {
                    var buffer = try await response.body.collect(upTo: Self.maximumReplyBytes)
                    return buffer.readBytes(length: buffer.readableBytes) ?? []
                }
                group.addTask {
                    try await LoopTimer.sleep(for: idleTimeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let body = try await group.next() ?? nil else { throw BodyTimeout() }
                return body
            }
        } catch is BodyTimeout {
            throw UpstreamFailure(
                .unusableReply,
                clientError: AnthropicError(
                    .timeout,
                    "The \(target.provider.displayName) upstream at \(target.baseURL) did not finish its reply within \(idleTimeout.components.seconds) s (IDLE_TIMEOUT_SECONDS).",
                    status: 504))
        } catch {
            var failure = Self.transportError(error, target: target)
            // The head arrived: whatever cut the body, the reply is unusable.
            if failure.cause == .closed { failure.cause = .unusableReply }
            throw failure
        }
    }

    /// A streamed request's successful reply must be an event stream. An HTML page or a JSON body
    /// (some servers answer errors that way) becomes a clear error before the client's stream
    /// starts, rather than a stream that ends with nothing in it.
    func requireEventStream(_ response: HTTPClientResponse, target: RouteTarget) async throws(UpstreamFailure) {
        guard let type = response.headers.first(name: "content-type")?.lowercased(), !type.hasPrefix("text/event-stream") else { return }
        let body = try await collect(response, describing: target)
        throw UpstreamFailure(
            .unusableReply,
            clientError: AnthropicError(
                .api,
                "The \(target.provider.displayName) upstream answered a streamed request with \(type) instead of an event stream: \(UpstreamErrorMapping.upstreamMessage(body))",
                status: 502))
    }

    /// Response headers by lower-cased name, for error mapping.
    static func headerDictionary(_ headers: HTTPHeaders) -> [String: String] {
        var dictionary: [String: String] = [:]
        for (name, value) in headers { dictionary[name.lowercased()] = value }
        return dictionary
    }

    /// Whether `error` says the connection could not be made: nothing listens there, most often.
    /// A connection refused comes as NIO's connection error, or as the socket's own error.
    static func refusedConnection(_ error: any Error) -> Bool {
        error is NIOConnectionError || (error as? IOError)?.errnoCode == ECONNREFUSED || "\(error)".contains("connectionRefused")
    }

    /// What a transport error means for the attempt; its client error says what happened and where.
    static func transportError(_ error: any Error, target: RouteTarget) -> UpstreamFailure {
        let upstream = "\(target.provider.displayName) upstream at \(target.baseURL)"
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                return UpstreamFailure(.connect, clientError: AnthropicError(.timeout, "Could not connect to the \(upstream) in time.", status: 504))
            case .deadlineExceeded, .readTimeout:
                // The client is told not to retry either: it would wait the whole timeout again.
                return UpstreamFailure(
                    .firstByteTimeout,
                    clientError: AnthropicError(
                        .timeout, "The \(upstream) did not start its reply in time (model '\(target.model)', FIRST_BYTE_TIMEOUT_SECONDS).", status: 504,
                        headers: ["x-should-retry": "false"]))
            case .remoteConnectionClosed:
                return UpstreamFailure(.closed, clientError: AnthropicError(.api, "The \(upstream) closed the connection before answering.", status: 502))
            case .cancelled:
                return UpstreamFailure(.closed, clientError: AnthropicError(.api, "The request to the \(upstream) was cancelled.", status: 502))
            default:
                break
            }
        }
        if refusedConnection(error) {
            // The proxy retried it already; a client retrying on (Claude Code: ten times over three
            // minutes) would only hold back the message that says what to fix.
            return UpstreamFailure(
                .connect,
                clientError: AnthropicError(
                    .api, "Could not connect to the \(upstream): connection refused. Is the server running and the URL right?", status: 502,
                    headers: ["x-should-retry": "false"]))
        }
        return UpstreamFailure(.closed, clientError: AnthropicError(.api, "The request to the \(upstream) failed: \(error)", status: 502))
    }
}
