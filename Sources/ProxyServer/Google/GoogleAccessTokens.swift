import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import ProxyCore
import Synchronization

/// Google Cloud access tokens (for Vertex AI) from one credential source: the token in hand until
/// 5 minutes before it expires, then one refresh however many requests wait for it. Tokens are
/// never logged, and no error carries one.
final class GoogleAccessTokens: Sendable {
    /// A refresh under way; it does not fail (its result says how it ended), so that every waiter
    /// gets the same error.
    private typealias Refresh = Task<Result<GoogleAccessToken, AnthropicError>, Never>

    private struct State {
        var cache = GoogleTokenCache()
        /// Every call that finds no usable token meanwhile awaits this one.
        var refresh: Refresh?
    }

    /// What became of a call: a token in hand, or a refresh to await.
    private enum Step {
        case use(GoogleAccessToken)
        case wait(Refresh)
    }

    /// An answer that took longer than the timeout.
    private struct TimedOut: Error {}

    /// The most bytes read from a token endpoint's answer (a token is 2 KB at most).
    private static let maximumAnswerBytes = 1 << 20

    let source: GoogleCredentialSource
    private let httpClient: HTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> UTCTime
    private let state = Mutex(State())

    /// - Parameter timeout: how long one token request may take, answer included.
    init(source: GoogleCredentialSource, httpClient: HTTPClient, timeout: Duration = .seconds(10), now: @escaping @Sendable () -> UTCTime = { UTCTime.now }) {
        self.source = source
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
    }

    /// An access token to send as `Authorization: Bearer …`. A failed refresh fails the calls that
    /// waited for it; the next call tries again.
    func token() async throws(AnthropicError) -> String {
        let now = now()
        let step = state.withLock { state -> Step in
            if case .use(let token) = state.cache.decision(now: now) { return .use(token) }
            if let refresh = state.refresh { return .wait(refresh) }
            // Not cancelled with the call that started it: other calls may be waiting for it, and
            // the timeout bounds it.
            let refresh = Refresh { await self.replaceToken() }
            state.refresh = refresh
            return .wait(refresh)
        }
        switch step {
        case .use(let token): return token.value
        case .wait(let refresh): return try await refresh.value.get().value
        }
    }

    /// Lets go of `token` when it is the one in hand: the upstream refused it.
    func discard(_ token: String) {
        state.withLock { $0.cache.discard(token) }
    }

    private func replaceToken() async -> Result<GoogleAccessToken, AnthropicError> {
        do {
            let (token, receivedAt) = try await fetch()
            state.withLock { state in
                state.cache.store(token, receivedAt: receivedAt)
                state.refresh = nil
            }
            return .success(token)
        } catch {
            state.withLock { $0.refresh = nil }
            return .failure(error)
        }
    }

    /// One token request, and when its answer arrived.
    private func fetch() async throws(AnthropicError) -> (GoogleAccessToken, receivedAt: UTCTime) {
        let tokenRequest = try GoogleTokenRequest(source: source, now: now())
        var request = HTTPClientRequest(url: tokenRequest.url)
        request.method = HTTPMethod(rawValue: tokenRequest.method.rawValue)
        for (name, value) in tokenRequest.headers { request.headers.add(name: name, value: value) }
        if let body = tokenRequest.body { request.body = .bytes(ByteBuffer(string: body)) }
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await exchange(request)
        } catch {
            throw tokenRequest.unreachable(reason(error))
        }
        let receivedAt = now()
        return (try tokenRequest.accessToken(status: answer.status, body: answer.body, receivedAt: receivedAt), receivedAt)
    }

    /// Sends `request` and reads its whole answer, within the timeout.
    private func exchange(_ request: HTTPClientRequest) async throws -> (status: Int, body: [UInt8]) {
        let deadline = ContinuousClock.now + timeout
        // AsyncHTTPClient bounds the wait for the head, retrying a failed connection until then and
        // saying why it failed.
        let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
        let body = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var body = try await response.body.collect(upTo: Self.maximumAnswerBytes)
                return body.readBytes(length: body.readableBytes) ?? []
            }
            group.addTask {
                try await LoopTimer.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let body = try await group.next() ?? nil else { throw TimedOut() }
            return body
        }
        return (Int(response.status.code), body)
    }

    /// Why a token endpoint could not be reached, in a few words.
    private func reason(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError, let dnsError = error.dnsAError ?? error.dnsAAAAError {
            return "its host name does not resolve: \(dnsError)"
        }
        if error is TimedOut || [.deadlineExceeded, .readTimeout].contains(error as? HTTPClientError) {
            return "no answer within \(timeout.spoken)"
        }
        if (error as? HTTPClientError) == .connectTimeout { return "the connection timed out" }
        if UpstreamClient.refusedConnection(error) { return "connection refused" }
        return "\(error)"
    }
}
