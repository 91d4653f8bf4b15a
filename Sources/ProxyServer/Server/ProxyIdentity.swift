import AsyncHTTPClient
import NIOCore
import ProxyCore

/// How the proxy says what it is at `GET /`, and how a command tells that one answers at an
/// address already (`anthropic-proxy claude` uses it instead of starting its own; `doctor` says
/// the port is held by it).
package enum ProxyIdentity {
    /// `GET /`'s answer.
    static let root: JSONValue = ["status": "ok", "service": "anthropic-proxy", "version": .string(ProxyVersion.current)]

    /// The version of the proxy answering at `address` (`http://127.0.0.1:8082`): "" for one too
    /// old to say; `nil` when nothing answers there, or something else does.
    package static func version(at address: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(1)) async -> String? {
        guard let response = try? await httpClient.execute(HTTPClientRequest(url: address + "/"), timeout: TimeAmount(timeout)),
            let body = try? await response.body.collect(upTo: 64 * 1024), let json = try? JSONParser.parse(Array(body.readableBytesView)),
            json["service"] == root["service"]
        else { return nil }
        return json["version"]?.stringValue ?? ""
    }
}
