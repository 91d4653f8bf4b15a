/// Who may read what the proxy knows of its use (the usage API, the dashboard, the metrics): with
/// `ADMIN_API_KEY` set, whoever presents it (as `x-api-key` or `Authorization: Bearer`); without
/// it, only clients on this machine.
package struct AdminAccess: Sendable {
    private let expected: [UInt8]?

    package init(adminAPIKey: String?) {
        expected = adminAPIKey.map { Array($0.utf8) }
    }

    /// `nil` when the request may go on, else the error to answer with.
    package func check(apiKeyHeader: String?, authorizationHeader: String?, fromLoopback: Bool) -> AnthropicError? {
        guard let expected else {
            return fromLoopback
                ? nil
                : AnthropicError(
                    .permission, "The usage pages answer clients on this machine only; set ADMIN_API_KEY to open them to others who present it.")
        }
        let presented = ClientAuthenticator.presentedKeys(apiKeyHeader: apiKeyHeader, authorizationHeader: authorizationHeader)
        if presented.contains(where: { ClientAuthenticator.constantTimeEquals(Array($0.utf8), expected) }) { return nil }
        return AnthropicError(
            .authentication, "The usage pages require ADMIN_API_KEY: send it as the x-api-key header or as Authorization: Bearer.")
    }
}
