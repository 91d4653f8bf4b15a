import ProxyCore
import Testing

/// What is sent for a Google access token, for each credential source, and what the answers mean.
@Suite struct GoogleTokenRequestTests {
    private let now = UTCTime(millisecondsSince1970: 1_767_225_600_000)
    private let keyOrigin = "GOOGLE_APPLICATION_CREDENTIALS (/keys/proxy.json)"
    private let gcloudOrigin = "gcloud's application default credentials (/home/me/.config/gcloud/application_default_credentials.json)"

    private func serviceAccount() throws -> GoogleCredentialSource {
        try GoogleCredentialSource(json: GoogleTestCredentials.serviceAccountFile(), origin: keyOrigin)
    }

    private func authorizedUser() throws -> GoogleCredentialSource {
        try GoogleCredentialSource(json: GoogleTestCredentials.authorizedUserFile(), origin: gcloudOrigin)
    }

    private func answer(_ request: GoogleTokenRequest, _ status: Int, _ body: String) -> Result<GoogleAccessToken, AnthropicError> {
        Result { () throws(AnthropicError) in try request.accessToken(status: status, body: Array(body.utf8), receivedAt: now) }
    }

    // MARK: - Requests

    @Test func aServiceAccountPostsItsSignedAssertion() throws {
        let source = try serviceAccount()
        let request = try GoogleTokenRequest(source: source, now: now)
        guard case .serviceAccount(let account, _) = source else { return }
        let assertion = try account.assertion(now: now)
        #expect(request.url == "https://oauth2.googleapis.com/token")
        #expect(request.method == .post)
        #expect(request.headers == ["content-type": "application/x-www-form-urlencoded"])
        #expect(request.body == "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)")
    }

    @Test func anAuthorizedUserPostsItsRefreshToken() throws {
        let request = try GoogleTokenRequest(source: authorizedUser(), now: now)
        #expect(request.url == "https://oauth2.googleapis.com/token")
        #expect(request.method == .post)
        #expect(request.headers == ["content-type": "application/x-www-form-urlencoded"])
        #expect(
            request.body
                == "grant_type=refresh_token&client_id=764086051850-test.apps.googleusercontent.com&client_secret=d-FL95Q19q7MQmFpd7hHD0Ty"
                + "&refresh_token=1%2F%2F0gTestRefreshToken-secret")
    }

    @Test func theMetadataServerIsAskedWithItsFlavorHeader() throws {
        for base in ["http://metadata.google.internal", "http://metadata.google.internal/"] {
            let request = try GoogleTokenRequest(source: .metadataServer(baseURL: base), now: now)
            #expect(request.url == "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token")
            #expect(request.method == .get)
            #expect(request.headers == ["metadata-flavor": "Google"])
            #expect(request.body == nil)
        }
    }

    // MARK: - Answers

    @Test func aTokenAnswer() throws {
        let request = try GoogleTokenRequest(source: serviceAccount(), now: now)
        let expected = GoogleAccessToken(value: "ya29.c.token", expiresAt: UTCTime(millisecondsSince1970: now.millisecondsSince1970 + 3_599_000))
        #expect(answer(request, 200, #"{"access_token":"ya29.c.token","expires_in":3599,"token_type":"Bearer"}"#) == .success(expected))
        #expect(answer(request, 200, #"{"access_token":"ya29.c.token","expires_in":"3599","token_type":"Bearer"}"#) == .success(expected))
        let withoutLifetime = answer(request, 200, #"{"access_token":"ya29.c.token","token_type":"Bearer"}"#)
        #expect(withoutLifetime == .success(GoogleAccessToken(value: "ya29.c.token", expiresAt: UTCTime(millisecondsSince1970: now.millisecondsSince1970 + 3_600_000))))
        #expect(!"\(expected)".contains("ya29"))
    }

    @Test func refusedCredentialsAreAnAuthenticationErrorNamingTheOriginAndNoSecret() throws {
        let request = try GoogleTokenRequest(source: serviceAccount(), now: now)
        let result = answer(request, 400, #"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#)
        guard case .failure(let error) = result else {
            Issue.record("not an error: \(result)")
            return
        }
        #expect(error.status == 401)
        #expect(error.kind == .authentication)
        #expect(
            error.message
                == "Could not get a Google Cloud access token with \(keyOrigin): https://oauth2.googleapis.com/token refused the credentials "
                + "(400 invalid_grant: Invalid JWT Signature.). Check that this key of \(GoogleTestCredentials.clientEmail) is still active "
                + "(IAM & Admin, Service accounts, in the Google Cloud console) and that this machine's clock is right.")
    }

    @Test func anAnswerEchoingASecretHasItRedacted() throws {
        let request = try GoogleTokenRequest(source: authorizedUser(), now: now)
        let echo = #"{"error":"invalid_grant","error_description":"Bad refresh_token \#(GoogleTestCredentials.refreshToken) for \#(GoogleTestCredentials.clientSecret)"}"#
        guard case .failure(let error) = answer(request, 400, echo) else {
            Issue.record("not an error")
            return
        }
        #expect(error.status == 401)
        #expect(error.message.contains(gcloudOrigin))
        #expect(error.message.contains("run `gcloud auth application-default login` again"))
        #expect(!error.message.contains(GoogleTestCredentials.refreshToken))
        #expect(!error.message.contains(GoogleTestCredentials.clientSecret))
    }

    @Test(arguments: [
        (500, "<html><head><title>Internal Server Error</title></head></html>", "answered 500 (an HTML page titled 'Internal Server Error')"),
        (503, #"{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}"#, "answered 503 (The service is currently unavailable.)"),
        (429, #"{"error":"rate_limit_exceeded"}"#, "answered 429 (rate_limit_exceeded)"),
    ])
    func aFailingEndpointIsUnavailable(status: Int, body: String, expected: String) throws {
        let request = try GoogleTokenRequest(source: serviceAccount(), now: now)
        guard case .failure(let error) = answer(request, status, body) else {
            Issue.record("not an error")
            return
        }
        #expect(error.status == 503)
        #expect(error.kind == .api)
        #expect(error.message == "Could not get a Google Cloud access token with \(keyOrigin): https://oauth2.googleapis.com/token \(expected). Try again shortly.")
    }

    @Test func aSuccessWithoutATokenIsUnavailableAndQuotesNothing() throws {
        let request = try GoogleTokenRequest(source: .metadataServer(baseURL: "http://metadata.google.internal"), now: now)
        guard case .failure(let error) = answer(request, 200, #"{"access_token":"","id_token":"ya29.secret"}"#) else {
            Issue.record("not an error")
            return
        }
        #expect(error.status == 503)
        #expect(error.message.hasSuffix("answered 200 without an access token."))
        #expect(!error.message.contains("ya29"))
    }

    @Test func anUnreachableMetadataServerSaysHowToGiveCredentials() {
        let request = try? GoogleTokenRequest(source: .metadataServer(baseURL: "http://metadata.google.internal"), now: now)
        let error = request?.unreachable("its host name does not resolve")
        #expect(error?.status == 503)
        #expect(
            error?.message
                == "Could not get a Google Cloud access token with the metadata server (http://metadata.google.internal): could not reach "
                + "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token (its host name does not resolve). "
                + "No other Google Cloud credentials were found: set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or run "
                + "`gcloud auth application-default login` (only a machine on Google Cloud has a metadata server).")
    }

    @Test func theMetadataServerRefusingIsAnAuthenticationError() throws {
        let request = try GoogleTokenRequest(source: .metadataServer(baseURL: "http://metadata.google.internal"), now: now)
        guard case .failure(let error) = answer(request, 404, "Not Found") else {
            Issue.record("not an error")
            return
        }
        #expect(error.status == 401)
        #expect(error.message.hasSuffix("refused the credentials (404 a non-JSON body: Not Found). Check that this machine has a service account with the cloud-platform scope."))
    }
}
