import ProxyCore
import Testing

/// Google credential files read, and Application Default Credentials found in Google's order.
@Suite struct GoogleCredentialSourceTests {
    private let origin = "GOOGLE_APPLICATION_CREDENTIALS (/keys/proxy.json)"

    private func problem(_ text: String) -> ConfigurationError? {
        do {
            _ = try GoogleCredentialSource(json: text, origin: origin)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Files

    @Test func serviceAccountKeyFile() throws {
        let source = try GoogleCredentialSource(json: GoogleTestCredentials.serviceAccountFile(), origin: origin)
        guard case .serviceAccount(let account, let sourceOrigin) = source else {
            Issue.record("not a service account: \(source)")
            return
        }
        #expect(sourceOrigin == origin)
        #expect(account.clientEmail == GoogleTestCredentials.clientEmail)
        #expect(account.privateKeyID == "key-1")
        #expect(account.tokenURI == "https://oauth2.googleapis.com/token")
        #expect(source.projectID == "test-project")
        #expect(source.quotaProjectID == nil)
        #expect(source.origin == origin)
    }

    @Test func serviceAccountDefaultsGoogleTokenURIAndNeedsNoKeyIDOrProject() throws {
        let account = try GoogleTestCredentials.serviceAccount(members: ["token_uri": .null, "private_key_id": .null, "project_id": .null])
        #expect(account.tokenURI == GoogleCredentialSource.defaultTokenURI)
        #expect(account.privateKeyID == nil)
        #expect(account.projectID == nil)
    }

    @Test func authorizedUserFile() throws {
        let source = try GoogleCredentialSource(json: GoogleTestCredentials.authorizedUserFile(), origin: origin)
        #expect(
            source
                == .authorizedUser(
                    GoogleAuthorizedUser(
                        clientID: "764086051850-test.apps.googleusercontent.com", clientSecret: GoogleTestCredentials.clientSecret,
                        refreshToken: GoogleTestCredentials.refreshToken, quotaProjectID: "billing-project"),
                    origin: origin))
        #expect(source.quotaProjectID == "billing-project")
        #expect(source.projectID == nil)
    }

    @Test func descriptionsNameTheCredentialsNeverTheirSecrets() throws {
        let account = try GoogleCredentialSource(json: GoogleTestCredentials.serviceAccountFile(), origin: origin)
        let user = try GoogleCredentialSource(json: GoogleTestCredentials.authorizedUserFile(), origin: origin)
        for text in ["\(account)", String(reflecting: account), "\(user)", String(reflecting: user)] {
            #expect(!text.contains("PRIVATE KEY"))
            #expect(!text.contains(GoogleTestCredentials.clientSecret))
            #expect(!text.contains(GoogleTestCredentials.refreshToken))
        }
        if case .serviceAccount(let serviceAccount, _) = account {
            #expect("\(serviceAccount)" == "service account \(GoogleTestCredentials.clientEmail)")
        }
    }

    @Test func otherCredentialTypesAreNotSupportedYet() {
        let error = problem(#"{"type":"external_account","audience":"//iam.googleapis.com/x","credential_source":{"file":"/t"}}"#)
        #expect(error?.variable == origin)
        #expect(error?.problem.contains(#""type": "external_account", which the proxy does not support yet"#) == true)
        #expect(error?.problem.contains("service_account") == true)
    }

    @Test(arguments: [
        ("not json", "is not JSON (invalid JSON at byte 0"),
        ("[1]", "is a JSON array, not an object"),
        (#"{"client_email":"a@b"}"#, #"has no "type""#),
        (#"{"type":"service_account","private_key":"x"}"#, #"has no "client_email"."#),
        (#"{"type":"service_account","client_email":"a@b"}"#, #"has no "private_key"."#),
        (#"{"type":"service_account","client_email":7,"private_key":"x"}"#, #""client_email" is a number, not a string."#),
        (#"{"type":"authorized_user","client_id":"c","client_secret":"s"}"#, #"has no "refresh_token"."#),
    ])
    func unusableFilesSayWhatIsWrong(file: String, expected: String) {
        let error = problem(file)
        #expect(error?.variable == origin)
        #expect(error?.problem.contains(expected) == true, "\(String(describing: error))")
    }

    @Test func aPrivateKeyThatIsNotOneIsNamedButNeverQuoted() {
        let secretText = "-----BEGIN PRIVATE KEY-----\nTUlJRXZnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2d3Z2dTa0FnRUFBb0lCQVFD\n-----END PRIVATE KEY-----\n"
        let error = problem(GoogleTestCredentials.serviceAccountFile(privateKeyPEM: secretText))
        #expect(error?.variable == origin)
        #expect(error?.problem.contains(#""private_key" is not an RSA private key"#) == true)
        #expect(error?.description.contains("TUlJRXZn") == false)
        #expect(error?.description.contains("BEGIN") == false)
    }

    // MARK: - Application Default Credentials

    private func applicationDefault(_ environment: [String: String], files: [String: String]) throws(ConfigurationError) -> GoogleCredentialSource {
        try GoogleCredentialSource.applicationDefault(environment: environment, readFile: { files[$0] })
    }

    @Test func theVariablesFileComesFirst() throws {
        let source = try applicationDefault(
            ["GOOGLE_APPLICATION_CREDENTIALS": "/keys/proxy.json", "HOME": "/home/me"],
            files: ["/keys/proxy.json": GoogleTestCredentials.serviceAccountFile(), "/home/me/.config/gcloud/application_default_credentials.json": GoogleTestCredentials.authorizedUserFile()])
        guard case .serviceAccount(_, let origin) = source else {
            Issue.record("not the service account: \(source)")
            return
        }
        #expect(origin == "GOOGLE_APPLICATION_CREDENTIALS (/keys/proxy.json)")
    }

    @Test func aVariableNamingNoFileIsAnError() {
        let error = #expect(throws: ConfigurationError.self) {
            try applicationDefault(
                ["GOOGLE_APPLICATION_CREDENTIALS": "/keys/missing.json", "HOME": "/home/me"],
                files: ["/home/me/.config/gcloud/application_default_credentials.json": GoogleTestCredentials.authorizedUserFile()])
        }
        #expect(error?.variable == "GOOGLE_APPLICATION_CREDENTIALS (/keys/missing.json)")
        #expect(error?.problem.hasPrefix("no such file, or it cannot be read") == true)
    }

    @Test func aMalformedFileNamesTheVariableAndPathAndNoKey() {
        let file = GoogleTestCredentials.serviceAccountFile(members: ["client_email": .null])
        let error = #expect(throws: ConfigurationError.self) {
            try applicationDefault(["GOOGLE_APPLICATION_CREDENTIALS": "/keys/proxy.json"], files: ["/keys/proxy.json": file])
        }
        #expect(error?.description == #"GOOGLE_APPLICATION_CREDENTIALS (/keys/proxy.json): has no "client_email"."#)
    }

    @Test func gcloudsFileIsInCLOUDSDK_CONFIGElseHome() throws {
        let inConfig = try applicationDefault(
            ["GOOGLE_APPLICATION_CREDENTIALS": "", "CLOUDSDK_CONFIG": "/etc/gcloud", "HOME": "/home/me"],
            files: [
                "/etc/gcloud/application_default_credentials.json": GoogleTestCredentials.authorizedUserFile(),
                "/home/me/.config/gcloud/application_default_credentials.json": GoogleTestCredentials.serviceAccountFile(),
            ])
        #expect(inConfig.origin == "gcloud's application default credentials (/etc/gcloud/application_default_credentials.json)")
        let inHome = try applicationDefault(
            ["HOME": "/home/me"], files: ["/home/me/.config/gcloud/application_default_credentials.json": GoogleTestCredentials.authorizedUserFile()])
        #expect(inHome.origin == "gcloud's application default credentials (/home/me/.config/gcloud/application_default_credentials.json)")
        #expect(inHome.quotaProjectID == "billing-project")
    }

    @Test func aMalformedGcloudFileIsAnErrorNamingIt() {
        let error = #expect(throws: ConfigurationError.self) {
            try applicationDefault(["HOME": "/home/me"], files: ["/home/me/.config/gcloud/application_default_credentials.json": "{"])
        }
        #expect(error?.variable == "gcloud's application default credentials (/home/me/.config/gcloud/application_default_credentials.json)")
    }

    @Test func withoutFilesTheMetadataServer() throws {
        #expect(try applicationDefault(["HOME": "/home/me"], files: [:]) == .metadataServer(baseURL: "http://metadata.google.internal"))
        #expect(try applicationDefault([:], files: [:]) == .metadataServer(baseURL: "http://metadata.google.internal"))
        #expect(try applicationDefault(["GCE_METADATA_HOST": "127.0.0.1:8080"], files: [:]) == .metadataServer(baseURL: "http://127.0.0.1:8080"))
        #expect(try applicationDefault([:], files: [:]).origin == "the metadata server (http://metadata.google.internal)")
    }
}
