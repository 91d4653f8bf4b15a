import AsyncHTTPClient
import ProxyCore
import Synchronization
import Testing

@testable import ProxyServer

/// Google Cloud access tokens against a strict fake token endpoint and metadata server, in virtual
/// time: cached until 5 minutes before expiry, one refresh however many wait, errors that name the
/// credentials and never their secrets, and a fresh try after a failure.
@Suite struct GoogleAccessTokensTests {
    /// The time the tokens and assertions are made and checked at; it moves only when told.
    final class VirtualClock: Sendable {
        private let time = Mutex(UTCTime(millisecondsSince1970: 1_767_225_600_000))

        var now: UTCTime { time.withLock { $0 } }

        func advance(seconds: Int64) {
            time.withLock { $0.millisecondsSince1970 += seconds * 1000 }
        }
    }

    private let keyOrigin = "GOOGLE_APPLICATION_CREDENTIALS (/keys/proxy.json)"

    /// How long a fetch from the fakes may take where no test is about the timeout: the 10 s the
    /// proxy allows was reached under the whole suite's load on 2 cores.
    private static let patience = Duration.seconds(60)

    /// Runs `body` with the fake, and tokens from a service account whose token URI is the fake's.
    private func withServiceAccount(
        _ body: (GoogleAccessTokens, FakeGoogleTokenEndpoint, VirtualClock) async throws -> Void
    ) async throws {
        let clock = VirtualClock()
        try await withFakeGoogleTokenEndpoint(now: { clock.now }) { fake, url in
            let source = try GoogleCredentialSource(json: FakeGoogleTokenEndpoint.serviceAccountFile(tokenURI: url + "/token"), origin: keyOrigin)
            try await body(GoogleAccessTokens(source: source, httpClient: .shared, timeout: Self.patience, now: { clock.now }), fake, clock)
        }
    }

    /// A closure whose only `try` is inside `#expect` is taken not to throw: the calls are made here.
    private func expectToken(_ tokens: GoogleAccessTokens, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let token = try await tokens.token()
        #expect(token == expected, sourceLocation: sourceLocation)
    }

    private func tokenError(_ tokens: GoogleAccessTokens) async -> AnthropicError? {
        do {
            let token = try await tokens.token()
            Issue.record("expected an error, got a token of \(token.count) characters")
            return nil
        } catch {
            return error
        }
    }

    @Test func aServiceAccountsTokenIsFetchedOnceAndCached() async throws {
        try await withServiceAccount { tokens, fake, clock in
            try await expectToken(tokens, "ya29.fake-1")
            clock.advance(seconds: 3299)
            try await expectToken(tokens, "ya29.fake-1")
            #expect(fake.requests == 1)
        }
    }

    @Test func concurrentCallsShareOneRefresh() async throws {
        try await withServiceAccount { tokens, fake, _ in
            fake.hold()
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<32 { group.addTask { try await tokens.token() } }
                await fake.firstRequest()
                fake.release()
                for try await token in group { #expect(token == "ya29.fake-1") }
            }
            #expect(fake.requests == 1)
        }
    }

    @Test func aTokenNearItsExpiryIsRefreshedOnce() async throws {
        try await withServiceAccount { tokens, fake, clock in
            try await expectToken(tokens, "ya29.fake-1")
            clock.advance(seconds: 3300)
            try await expectToken(tokens, "ya29.fake-2")
            try await expectToken(tokens, "ya29.fake-2")
            #expect(fake.requests == 2)
        }
    }

    @Test func anAuthorizedUsersRefreshToken() async throws {
        let clock = VirtualClock()
        try await withFakeGoogleTokenEndpoint(now: { clock.now }) { fake, url in
            let origin = "gcloud's application default credentials (/home/me/.config/gcloud/application_default_credentials.json)"
            let source = try GoogleCredentialSource(json: FakeGoogleTokenEndpoint.authorizedUserFile(tokenURI: url + "/token"), origin: origin)
            let tokens = GoogleAccessTokens(source: source, httpClient: .shared, timeout: Self.patience, now: { clock.now })
            try await expectToken(tokens, "ya29.fake-1")
            try await expectToken(tokens, "ya29.fake-1")
            fake.answer(.refuse)
            clock.advance(seconds: 3600)
            let error = await tokenError(tokens)
            #expect(error?.status == 401)
            #expect(error?.message.contains(origin) == true)
            #expect(error?.message.contains("gcloud auth application-default login") == true)
            for secret in [FakeGoogleTokenEndpoint.clientSecret, FakeGoogleTokenEndpoint.refreshToken, "ya29.fake"] {
                #expect(error?.message.contains(secret) == false)
            }
            #expect(fake.requests == 2)
        }
    }

    @Test func theMetadataServer() async throws {
        let clock = VirtualClock()
        try await withFakeGoogleTokenEndpoint(now: { clock.now }) { fake, url in
            fake.answer(.issue(expiresIn: 1800))
            let tokens = GoogleAccessTokens(source: .metadataServer(baseURL: url), httpClient: .shared, timeout: Self.patience, now: { clock.now })
            try await expectToken(tokens, "ya29.fake-1")
            clock.advance(seconds: 1499)
            try await expectToken(tokens, "ya29.fake-1")
            clock.advance(seconds: 1)
            try await expectToken(tokens, "ya29.fake-2")
            #expect(fake.requests == 2)
        }
    }

    @Test func refusedCredentialsAreA401NamingTheOriginAndNoSecret() async throws {
        try await withServiceAccount { tokens, fake, _ in
            fake.answer(.refuse)
            let error = await tokenError(tokens)
            #expect(error?.status == 401)
            #expect(error?.kind == .authentication)
            #expect(error?.message.hasPrefix("Could not get a Google Cloud access token with \(keyOrigin): ") == true)
            #expect(error?.message.contains("(400 invalid_grant: Invalid JWT Signature.)") == true)
            #expect(error?.message.contains("PRIVATE KEY") == false)
            #expect(error?.message.contains("eyJ") == false, "no assertion (a JWT starts with eyJ)")
        }
    }

    @Test func aFailingTokenEndpointIsA503AndTheNextCallTriesAgain() async throws {
        try await withServiceAccount { tokens, fake, _ in
            fake.answer(.fail)
            let error = await tokenError(tokens)
            #expect(error?.status == 503)
            #expect(error?.kind == .api)
            #expect(error?.message.contains(keyOrigin) == true)
            #expect(error?.message.contains("answered 500 (an HTML page titled 'Error 500 (Server Error)!!1')") == true)
            fake.answer(.issue(expiresIn: 3600))
            try await expectToken(tokens, "ya29.fake-2")
            #expect(fake.requests == 2)
        }
    }

    @Test func aFailedRefreshFailsEveryCallWaitingForIt() async throws {
        try await withServiceAccount { tokens, fake, _ in
            fake.answer(.refuse)
            fake.hold()
            let errors = await withTaskGroup(of: AnthropicError?.self) { group in
                for _ in 0..<8 { group.addTask { await tokenError(tokens) } }
                await fake.firstRequest()
                fake.release()
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(errors.count == 8)
            #expect(errors.allSatisfy { $0?.status == 401 })
            #expect(fake.requests == 1)
            fake.answer(.issue(expiresIn: 3600))
            try await expectToken(tokens, "ya29.fake-2")
        }
    }

    @Test func anUnreachableTokenEndpointIsA503NamingTheOrigin() async throws {
        // Held, not listening: a port only found free could be taken meanwhile by another test's server.
        let closed = try SilentListener(listening: false)
        let port = closed.port
        let source = try GoogleCredentialSource(
            json: FakeGoogleTokenEndpoint.serviceAccountFile(tokenURI: "http://127.0.0.1:\(port)/token"), origin: keyOrigin)
        // A client that takes a refused connection as the answer (the shared one tries again until
        // its timeout, which a loaded machine may reach first); the timeout is far beyond the refusal.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let error = await tokenError(GoogleAccessTokens(source: source, httpClient: client, timeout: .seconds(30)))
        withExtendedLifetime(closed) {}
        try await client.shutdown()
        #expect(error?.status == 503)
        #expect(error?.message == "Could not get a Google Cloud access token with \(keyOrigin): could not reach http://127.0.0.1:\(port)/token (connection refused). Check this machine's network and try again.")
    }

    @Test func aTokenEndpointThatNeverAnswersTimesOut() async throws {
        let silent = try SilentListener()
        let tokens = GoogleAccessTokens(source: .metadataServer(baseURL: "http://127.0.0.1:\(silent.port)"), httpClient: .shared, timeout: .milliseconds(200))
        let error = await tokenError(tokens)
        #expect(error?.status == 503)
        #expect(error?.message.contains("(no answer within 200 ms)") == true)
    }
}
