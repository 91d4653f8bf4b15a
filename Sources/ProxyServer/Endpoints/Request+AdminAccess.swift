import Hummingbird
import NIOCore
import ProxyCore

extension Request {
    /// Refuses the request unless it may read the usage pages and metrics: from this machine, or
    /// with `ADMIN_API_KEY` when that is set (see `AdminAccess`).
    func checkAdminAccess(context: ProxyRequestContext, services: ProxyServices) throws(AnthropicError) {
        let address = context.channel.remoteAddress?.ipAddress ?? ""
        let fromLoopback = address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
        if let refusal = services.snapshot.adminAccess.check(
            apiKeyHeader: headers[.xAPIKey], authorizationHeader: headers[.authorization], fromLoopback: fromLoopback)
        {
            throw refusal
        }
    }
}
