/// A PostgreSQL database as a `postgres://` URL names it, the way libpq reads one:
/// `postgres://user:password@host:port/database?sslmode=require`, with `host=/run/postgresql` in
/// the query for a Unix socket's folder.
package struct PostgresLocation: Sendable, Equatable {
    /// How the connection uses TLS (libpq's `sslmode`): `prefer` tries it, `require` insists
    /// without checking the certificate, the `verify-` modes check it.
    package enum TLSMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    package var tls: TLSMode
    /// The folder of the server's Unix socket, when the URL names one instead of a host.
    package var socketFolder: String?

    /// - Parameter name: how messages name the setting the URL came from.
    package init(url text: String, name: String) throws(ConfigurationError) {
        func invalid(_ problem: String) -> ConfigurationError {
            ConfigurationError(variable: name, problem: "\(problem) (\(text.maskingURLPassword)); write postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let schemeEnd = text.range(of: "://") else { throw invalid("not a postgres:// URL") }
        var rest = text[schemeEnd.upperBound...]
        var query: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        let authority = rest.prefix { $0 != "/" }
        database = String(rest.dropFirst(authority.count + 1)).removingPercentEncoding
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let colon = userInfo.firstIndex(of: ":")
            user = String(userInfo[..<(colon ?? userInfo.endIndex)]).removingPercentEncoding
            password = colon.map { String(userInfo[userInfo.index(after: $0)...]).removingPercentEncoding }
        } else {
            user = ""
        }
        port = 5432
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            guard let number = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(number) else {
                throw invalid("'\(hostPort[hostPort.index(after: colon)...])' is not a port number")
            }
            port = number
            hostPort = hostPort[..<colon]
        }
        host = String(hostPort.trimmingPrefix("[").prefix { $0 != "]" }).removingPercentEncoding
        tls = .prefer
        for parameter in query.split(separator: "&") {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "sslmode":
                guard let mode = TLSMode(rawValue: pair[1]) else {
                    throw invalid("sslmode '\(pair[1])' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "host" where pair[1].hasPrefix("/"): socketFolder = pair[1]
            case "host": host = pair[1]
            case "user": user = pair[1]
            case "password": password = pair[1]
            case "dbname": database = pair[1]
            default: continue
            }
        }
        if host.isEmpty && socketFolder == nil { throw invalid("no host") }
        if user.isEmpty { throw invalid("no user") }
        if database.isEmpty { database = user }
    }

    /// The URL as logs and listings show it: no password.
    package var description: String {
        let place = socketFolder.map { "\($0) (socket)" } ?? "\(host):\(port)"
        return "postgres://\(user)@\(place)/\(database)"
    }
}
