import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import ProxyCore

/// Sends requests to upstreams over one pooled AsyncHTTPClient, turning transport failures into
/// Anthropic errors that say what went wrong and where.
struct UpstreamClient: Sendable {
    let httpClient: HTTPClient
    /// How long to wait for the upstream's response head (a whole reply, for non-streamed requests).
    let responseHeadTimeout: TimeAmount

    /// The most bytes read from an upstream's whole (non-streamed) reply or error body.
    static let maximumReplyBytes = 64 * 1024 * 1024

    func post(_ url: String, headers: HTTPHeaders, body: [UInt8], describing target: RouteTarget) async throws(AnthropicError) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            return try await httpClient.execute(request, timeout: responseHeadTimeout)
        } catch {
            throw Self.transportError(error, target: target)
        }
    }

    /// Reads a whole reply body, up to `maximumReplyBytes`.
    func collect(_ response: HTTPClientResponse, describing target: RouteTarget) async throws(AnthropicError) -> [UInt8] {
        do {
            var buffer = try await response.body.collect(upTo: Self.maximumReplyBytes)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw Self.transportError(error, target: target)
        }
    }

    /// Response headers by lower-cased name, for error mapping.
    static func headerDictionary(_ headers: HTTPHeaders) -> [String: String] {
        var dictionary: [String: String] = [:]
        for (name, value) in headers { dictionary[name.lowercased()] = value }
        return dictionary
    }

    static func transportError(_ error: any Error, target: RouteTarget) -> AnthropicError {
        let upstream = "\(target.provider.displayName) upstream at \(target.baseURL)"
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                return AnthropicError(.timeout, "Could not connect to the \(upstream) in time.", status: 504)
            case .deadlineExceeded, .readTimeout:
                return AnthropicError(.timeout, "The \(upstream) did not answer in time (model '\(target.model)').", status: 504)
            case .remoteConnectionClosed:
                return AnthropicError(.api, "The \(upstream) closed the connection before answering.", status: 502)
            case .cancelled:
                return AnthropicError(.api, "The request to the \(upstream) was cancelled.", status: 502)
            default:
                break
            }
        }
        if error is NIOConnectionError || "\(error)".contains("connectionRefused") {
            return AnthropicError(.api, "Could not connect to the \(upstream): connection refused. Is the server running and the URL right?", status: 502)
        }
        return AnthropicError(.api, "The request to the \(upstream) failed: \(error)", status: 502)
    }
}
