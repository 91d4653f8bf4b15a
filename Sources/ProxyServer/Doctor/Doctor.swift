import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix
import ProxyCore

/// `anthropic-proxy doctor`: loads the configuration as the server does, then looks at everything
/// it depends on at once (each upstream endpoint in use, the port, the usage database, Claude
/// Code), each look given at most `timeout`, so that the whole takes about that long. What the
/// findings mean is `DoctorPlan`'s to say.
package enum Doctor {
    package static func examine(_ loader: ConfigurationLoader, timeout: Duration) async -> DoctorReport {
        let environment = loader.environment
        let loaded: LoadedConfiguration
        do {
            loaded = try loader.load()
        } catch {
            return DoctorReport(checks: [.configuration(error), await claudeCode(environment, timeout: timeout).check])
        }
        let configuration = loaded.configuration
        let plan = DoctorPlan(configuration: configuration)
        let httpClient = makeHTTPClient(timeout: timeout)
        async let port = port(configuration, httpClient: httpClient, timeout: timeout)
        async let database = usageDatabase(configuration.usageDatabase, environment: environment, timeout: timeout)
        async let claude = claudeCode(environment, timeout: timeout)
        let upstreams = await withTaskGroup(of: (Int, DoctorFindings.UpstreamAnswers).self) { group in
            for (index, probe) in plan.probes.enumerated() {
                group.addTask {
                    async let list = fetch(probe.listURL, headers: probe.headers, httpClient: httpClient, timeout: timeout)
                    var properties: UpstreamProbe.Answer?
                    if let url = probe.propertiesURL { properties = await fetch(url, headers: probe.headers, httpClient: httpClient, timeout: timeout) }
                    return (index, DoctorFindings.UpstreamAnswers(list: await list, properties: properties))
                }
            }
            var answers: [Int: DoctorFindings.UpstreamAnswers] = [:]
            for await (index, answer) in group { answers[index] = answer }
            return plan.probes.indices.compactMap { answers[$0] }
        }
        let googleCredentials = await withTaskGroup(of: (Int, DoctorFindings.GoogleCredentials).self) { group in
            let credentials = GoogleCredentials(environment: environment, timeout: timeout)
            for (index, file) in plan.googleCredentials.enumerated() {
                group.addTask {
                    do throws(AnthropicError) {
                        _ = try await credentials.token(file: file, httpClient: httpClient)
                        return (index, DoctorFindings.GoogleCredentials(file: file, problem: nil))
                    } catch {
                        return (index, DoctorFindings.GoogleCredentials(file: file, problem: error))
                    }
                }
            }
            var found: [Int: DoctorFindings.GoogleCredentials] = [:]
            for await (index, finding) in group { found[index] = finding }
            return plan.googleCredentials.indices.compactMap { found[$0] }
        }
        let (usage, clientKeys) = await database
        let findings = DoctorFindings(
            port: await port, usageDatabase: usage, hasClientKeys: clientKeys.has, clientKeysProblem: clientKeys.problem, upstreams: upstreams,
            claudeCode: await claude, googleCredentials: googleCredentials)
        try? await httpClient.shutdown()
        return plan.report(configurationCheck: .configuration(loaded.settings), findings).redacted(by: SecretRedactor(secrets: configuration.secrets))
    }

    /// A client for looking, not serving: every answer within `timeout`, a connection refused at
    /// once, and redirects not followed.
    private static func makeHTTPClient(timeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: TimeAmount(timeout), read: TimeAmount(timeout)))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// A `GET` of `url` and its whole body, within `timeout` from start to end.
    private static func fetch(_ url: String, headers: [String: String], httpClient: HTTPClient, timeout: Duration) async -> UpstreamProbe.Answer {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let prepared = request
        return await withTaskGroup(of: UpstreamProbe.Answer.self) { group in
            group.addTask {
                do {
                    let response = try await httpClient.execute(prepared, timeout: TimeAmount(timeout))
                    let body = try await response.body.collect(upTo: 16 << 20)
                    return .answered(status: Int(response.status.code), body: Array(body.readableBytesView))
                } catch let error as HTTPClientError where [.connectTimeout, .deadlineExceeded, .readTimeout].contains(error) {
                    return .timedOut(timeout)
                } catch {
                    return .unreachable(unreachable(error))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut(timeout)
            }
            let first = await group.next() ?? .timedOut(timeout)
            group.cancelAll()
            return first
        }
    }

    /// Why a connection could not be made, in a few words: `connection refused`,
    /// `network is unreachable`, `api.example.com does not resolve`.
    private static func unreachable(_ error: any Error) -> String {
        let connection = error as? NIOConnectionError
        if let connection, connection.dnsAError != nil || connection.dnsAAAAError != nil { return "\(connection.host) does not resolve" }
        if let failure = (connection?.connectionErrors.first?.error ?? error) as? IOError { return String(cString: strerror(failure.errnoCode)).lowercased() }
        return UpstreamClient.refusedConnection(error) ? "connection refused" : "\(error)"
    }

    /// Whether the proxy could listen where it is configured to: a proxy of this kind answering
    /// there already, else whether the address can be bound (and is let go of at once).
    private static func port(_ configuration: ProxyConfiguration, httpClient: HTTPClient, timeout: Duration) async -> DoctorFindings.Port {
        let host = configuration.host
        // A wildcard address is reached on this machine's loopback.
        let reachable = ["0.0.0.0", "::", "[::]"].contains(host) ? "127.0.0.1" : host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        if let version = await ProxyIdentity.version(at: "http://\(reachable):\(configuration.port)", httpClient: httpClient, timeout: timeout) {
            return .thisProxy(version: version.isEmpty ? nil : version)
        }
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: configuration.port).get()
            try? await channel.close()
            return .free
        } catch {
            return .unavailable("\(error)")
        }
    }

    /// Whether the usage database opens (read only: a file not written yet is not made), and
    /// whether it holds client keys, which an address other machines reach needs.
    private static func usageDatabase(
        _ database: UsageDatabase, environment: [String: String], timeout: Duration
    ) async -> (DoctorFindings.UsageDatabase, clientKeys: (has: Bool, problem: String?)) {
        let place = database.description(environment: environment)
        let none = (has: false, problem: String?.none)
        if database == .off { return (.off, none) }
        if let path = database.sqlitePath(environment: environment), !FileManager.default.fileExists(atPath: path) {
            var folder = (path as NSString).deletingLastPathComponent
            while !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) { folder = (folder as NSString).deletingLastPathComponent }
            let writable = FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder)
            return (writable ? .willBeCreated(place) : .fails(place, reason: "\(folder) is not writable"), none)
        }
        let quiet = Logger(label: "doctor") { _ in SwiftLogNoOpLogHandler() }
        let store: any UsageStore
        do {
            guard let opened = try await database.openStore(environment: environment, creating: false, timeout: timeout, logger: quiet) else {
                return (.willBeCreated(place), none)
            }
            store = opened
        } catch {
            return (.fails(place, reason: "\(error)"), (has: false, problem: "\(error)"))
        }
        let found: (DoctorFindings.UsageDatabase, clientKeys: (has: Bool, problem: String?))
        do {
            _ = try await store.rows("SELECT 1 AS one", [])
            // A database from before client keys has no table for them, and so no key.
            let keys = try? await store.keys()
            found = (.opens(place), (has: !(keys ?? []).isEmpty, problem: nil))
        } catch {
            found = (.fails(place, reason: "\(error)"), (has: false, problem: "\(error)"))
        }
        try? await store.close()
        return found
    }

    private static func claudeCode(_ environment: [String: String], timeout: Duration) async -> DoctorFindings.ClaudeCode {
        guard let path = ClaudeCodeExecutable.path(environment) else { return .notFound }
        switch await ClaudeCodeExecutable.version(of: path, timeout: timeout) {
        case .success(let version): return .runs(path: path, version: version)
        case .failure(let problem): return .fails(path: path, reason: problem.description)
        }
    }
}
