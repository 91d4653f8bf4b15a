/// A user's login from `gcloud auth application-default login` (`"type": "authorized_user"`): the
/// proxy trades its refresh token for access tokens.
package struct GoogleAuthorizedUser: Sendable, Equatable, CustomStringConvertible {
    package var clientID: String
    package var clientSecret: String
    package var refreshToken: String
    /// The project billed for the user's requests (`x-goog-user-project`); gcloud writes it with
    /// `gcloud auth application-default set-quota-project`.
    package var quotaProjectID: String?
    /// gcloud does not write one: Google's token endpoint.
    package var tokenURI: String

    package init(
        clientID: String, clientSecret: String, refreshToken: String, quotaProjectID: String?, tokenURI: String = GoogleCredentialSource.defaultTokenURI
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.quotaProjectID = quotaProjectID
        self.tokenURI = tokenURI
    }

    /// Names the OAuth client, never the secret or the refresh token.
    package var description: String { "authorized user of OAuth client \(clientID)" }
}
