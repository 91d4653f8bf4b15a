import CryptoExtras
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ProxyCore
import Synchronization

/// A stand-in for Google's OAuth token endpoint (`POST /token`) and a machine's metadata server
/// (`GET /computeMetadata/v1/instance/service-accounts/default/token`), strict as they are: a
/// service account's assertion must be signed with the test key and carry the right issuer,
/// scope, audience and lifetime; a refresh must carry the right client and token; the metadata
/// server wants `Metadata-Flavor: Google`. It counts requests, and can hold its answers, refuse
/// the credentials (`invalid_grant`) or fail (500).
final class FakeGoogleTokenEndpoint: Sendable {
    enum Behavior: Sendable {
        /// Issues `ya29.fake-N` tokens that live this many seconds.
        case issue(expiresIn: Int)
        case refuse
        case fail
    }

    private struct State {
        var behavior = Behavior.issue(expiresIn: 3600)
        var requests = 0
        var held = false
        var waitingForRelease: [CheckedContinuation<Void, Never>] = []
        var waitingForRequest: [CheckedContinuation<Void, Never>] = []
    }

    static let clientEmail = "proxy@test-project.iam.gserviceaccount.com"
    static let clientID = "764086051850-test.apps.googleusercontent.com"
    static let clientSecret = "d-FL95Q19q7MQmFpd7hHD0Ty"
    static let refreshToken = "1//0gTestRefreshToken-secret"
    /// One key for every test: making one takes a while.
    static let privateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    /// The clock the assertions' times are checked against (the test's virtual one).
    private let now: @Sendable () -> UTCTime
    private let state = Mutex(State())

    init(now: @escaping @Sendable () -> UTCTime) {
        self.now = now
    }

    var requests: Int { state.withLock { $0.requests } }

    func answer(_ behavior: Behavior) {
        state.withLock { $0.behavior = behavior }
    }

    /// Requests wait, counted, until `release()`.
    func hold() {
        state.withLock { $0.held = true }
    }

    func release() {
        for waiter in state.withLock({ state in
            state.held = false
            defer { state.waitingForRelease = [] }
            return state.waitingForRelease
        }) { waiter.resume() }
    }

    /// Returns once a request has arrived (at once if one has).
    func firstRequest() async {
        await withCheckedContinuation { continuation in
            let arrived = state.withLock { state in
                if state.requests == 0 { state.waitingForRequest.append(continuation) }
                return state.requests > 0
            }
            if arrived { continuation.resume() }
        }
    }

    /// A service account key file whose token URI is this endpoint's.
    static func serviceAccountFile(tokenURI: String) -> String {
        JSONWriter.string([
            "type": "service_account", "project_id": "test-project", "private_key_id": "key-1",
            "private_key": .string(privateKey.pkcs8PEMRepresentation), "client_email": .string(clientEmail), "token_uri": .string(tokenURI),
        ])
    }

    /// gcloud's application default credentials, with this endpoint as the token URI.
    static func authorizedUserFile(tokenURI: String) -> String {
        JSONWriter.string([
            "type": "authorized_user", "client_id": .string(clientID), "client_secret": .string(clientSecret), "refresh_token": .string(refreshToken),
            "token_uri": .string(tokenURI),
        ])
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/token") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            return await self.answer(problem: self.problem(withTokenRequest: request, body: body))
        }
        router.get("/computeMetadata/v1/instance/service-accounts/default/token") { request, _ in
            guard request.headers[HTTPField.Name("Metadata-Flavor")!] == "Google" else {
                return Response(status: .forbidden, body: ResponseBody(byteBuffer: ByteBuffer(string: "Missing Metadata-Flavor:Google header.")))
            }
            return await self.answer(problem: nil)
        }
    }

    private func answer(problem: String?) async -> Response {
        let (behavior, held, number) = state.withLock { state in
            state.requests += 1
            for waiter in state.waitingForRequest { waiter.resume() }
            state.waitingForRequest = []
            return (state.behavior, state.held, state.requests)
        }
        if held {
            await withCheckedContinuation { continuation in
                let released = state.withLock { state in
                    if state.held { state.waitingForRelease.append(continuation) }
                    return !state.held
                }
                if released { continuation.resume() }
            }
        }
        if let problem { return Self.json(.badRequest, ["error": "invalid_request", "error_description": .string(problem)]) }
        switch behavior {
        case .issue(let expiresIn):
            return Self.json(.ok, ["access_token": .string("ya29.fake-\(number)"), "expires_in": .int(expiresIn), "token_type": "Bearer"])
        case .refuse:
            return Self.json(.badRequest, ["error": "invalid_grant", "error_description": "Invalid JWT Signature."])
        case .fail:
            return Response(status: .internalServerError, body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><title>Error 500 (Server Error)!!1</title></html>")))
        }
    }

    /// What is wrong with a token request, as Google would refuse it; nil when it is right.
    private func problem(withTokenRequest request: Request, body: String) -> String? {
        guard request.headers[.contentType] == "application/x-www-form-urlencoded" else { return "content type \(request.headers[.contentType] ?? "none")" }
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return "malformed form" }
            form[String(parts[0]).removingPercentEncoding] = String(parts[1]).removingPercentEncoding
        }
        switch form["grant_type"] {
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            guard form.count == 2, let assertion = form["assertion"] else { return "expected grant_type and assertion" }
            return problem(withAssertion: assertion, audience: "http://\(request.head.authority ?? "")/token")
        case "refresh_token":
            guard form == ["grant_type": "refresh_token", "client_id": Self.clientID, "client_secret": Self.clientSecret, "refresh_token": Self.refreshToken]
            else { return "unknown client or refresh token" }
            return nil
        default:
            return "unsupported grant_type"
        }
    }

    private func problem(withAssertion assertion: String, audience: String) -> String? {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URL(parts[0]), let claimsBytes = Self.base64URL(parts[1]),
            let signature = Self.base64URL(parts[2]), let header = try? JSONParser.parse(headerBytes), let claims = try? JSONParser.parse(claimsBytes)
        else { return "not a JWT" }
        guard header == ["alg": "RS256", "typ": "JWT", "kid": "key-1"] else { return "header \(JSONWriter.string(header))" }
        let signed = Array((parts[0] + "." + parts[1]).utf8)
        guard Self.privateKey.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: signed, padding: .insecurePKCS1v1_5)
        else { return "Invalid JWT Signature." }
        guard claims["iss"]?.stringValue == Self.clientEmail, claims["scope"]?.stringValue == "https://www.googleapis.com/auth/cloud-platform",
            claims["aud"]?.stringValue == audience, let issuedAt = claims["iat"]?.intValue, let expiry = claims["exp"]?.intValue
        else { return "wrong claims \(JSONWriter.string(claims))" }
        let now = Int(now().millisecondsSince1970 / 1000)
        guard issuedAt <= now, expiry > now, expiry - issuedAt <= 3600 else { return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe." }
        return nil
    }

    /// Strict base64url: no padding, no characters of standard base64.
    private static func base64URL(_ text: Substring) -> [UInt8]? {
        guard !text.contains(where: { "+/=".contains($0) }) else { return nil }
        let standard = text.replacing("-", with: "+").replacing("_", with: "/")
        return Data(base64Encoded: standard + String(repeating: "=", count: (4 - standard.count % 4) % 4)).map { Array($0) }
    }

    private static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(body))))
    }
}

/// Runs `body` with a fresh fake token endpoint and metadata server on 127.0.0.1 and its URL.
func withFakeGoogleTokenEndpoint<Result: Sendable>(
    now: @escaping @Sendable () -> UTCTime, _ body: (FakeGoogleTokenEndpoint, String) async throws -> Result
) async throws -> Result {
    let fake = FakeGoogleTokenEndpoint(now: now)
    let router = Router()
    fake.register(on: router)
    let quiet = Logger(label: "fake-google") { _ in SwiftLogNoOpLogHandler() }
    return try await withLiveApplication({ onRunning in
        Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning, logger: quiet)
    }) { port in
        try await body(fake, "http://127.0.0.1:\(port)")
    }
}
