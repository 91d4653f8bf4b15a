import Hummingbird
import NIOCore
import ProxyCore

extension Request {
    /// Refuses the request unless it may read the usage pages and metrics: from this machine, or
    /// with `ADMIN_API_KEY` when that is set (as a header, or the dashboard's login cookie; see
    /// `AdminAccess`).
    func checkAdminAccess(context: ProxyRequestContext, services: ProxyServices, sessions: AdminSessions) throws(AnthropicError) {
        if let token = cookies[AdminSessions.cookieName]?.value, sessions.isValid(token, currentKey: services.configuration.adminAPIKey) { return }
        let address = context.channel.remoteAddress?.ipAddress ?? ""
        let fromLoopback = address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
        if let refusal = services.snapshot.adminAccess.check(
            apiKeyHeader: headers[.xAPIKey], authorizationHeader: headers[.authorization], fromLoopback: fromLoopback)
        {
            throw refusal
        }
    }
}
