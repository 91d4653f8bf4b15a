/// An OAuth access token for Google Cloud APIs, sent as `Authorization: Bearer …`.
package struct GoogleAccessToken: Sendable, Equatable, CustomStringConvertible {
    package var value: String
    package var expiresAt: UTCTime

    package init(value: String, expiresAt: UTCTime) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// Never the token itself.
    package var description: String { "Google access token expiring at \(expiresAt.iso8601)" }
}
