import Foundation
import Hummingbird
import ProxyCore

/// `GET /ui`, the usage dashboard (a page with no data of its own: what it shows comes from the
/// usage API, which checks access), and `POST /ui/login`, where the page's form sends
/// `ADMIN_API_KEY` for a login cookie.
struct DashboardEndpoint: Sendable {
    let shared: SharedServices

    func page() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html)))
    }

    /// Checks the key the form sent; right, it sets the session cookie. Either way it goes back to
    /// the page, which shows the dashboard or the form again.
    func login(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 4096)
        let form = String(buffer: body).replacingOccurrences(of: "+", with: "%20")
        let presented = URLComponents(string: "?" + form)?.queryItems?.first { $0.name == "key" }?.value
        var headers: HTTPFields = [.location: "/ui", .cacheControl: "no-store"]
        let configured = shared.forRequest().configuration.adminAPIKey
        if let configured, let presented,
            AdminAccess(adminAPIKey: configured).check(apiKeyHeader: presented, authorizationHeader: nil, fromLoopback: false) == nil
        {
            let token = shared.adminSessions.open(for: configured)
            headers[.setCookie] = "\(AdminSessions.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
        }
        return Response(status: .seeOther, headers: headers)
    }
}
