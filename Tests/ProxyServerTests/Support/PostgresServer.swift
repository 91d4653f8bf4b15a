import Foundation
import Testing

/// A real PostgreSQL server (Debian's `postgresql`, which `scripts/test` installs), made in a
/// temporary folder and listening on a free loopback port: started for a suite by the
/// `.postgres` trait and stopped after it. It stops by itself if the test process dies first.
final class PostgresServer: Sendable {
    /// The server of the suite running now (see `PostgresTrait`).
    @TaskLocal static var current: PostgresServer?

    let port: Int
    private let binaries: String
    private let folder: TemporaryDirectory
    /// How a command runs as the `postgres` user (PostgreSQL refuses to run as root).
    private let asPostgres: [String]

    private init(port: Int, binaries: String, folder: TemporaryDirectory, asPostgres: [String]) {
        self.port = port
        self.binaries = binaries
        self.folder = folder
        self.asPostgres = asPostgres
    }

    /// Makes a new cluster and starts its server; ready to answer when this returns.
    static func start() async throws -> PostgresServer {
        let installed = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let version = try #require(
            installed.compactMap(Int.init).sorted().last { FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/postgres") },
            "PostgreSQL is not installed: apt-get install postgresql (scripts/test does)")
        let binaries = "/usr/lib/postgresql/\(version)/bin"
        let asPostgres = getuid() == 0 ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : []
        let folder = try TemporaryDirectory()
        let data = folder.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        if getuid() == 0 { try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: data) }
        let initdb = try await ChildProcess.run(
            asPostgres + ["\(binaries)/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        try #require(initdb.status == 0, "initdb failed: \(initdb.output)")

        let port = try freeLoopbackPort()
        try await BackgroundServer.start(
            asPostgres + [
                "\(binaries)/postgres", "-D", data, "-p", String(port), "-k", data, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            ],
            log: "\(folder.path)/postgres.log")
        let server = PostgresServer(port: port, binaries: binaries, folder: folder, asPostgres: asPostgres)
        for _ in 0..<300 {
            if try await ChildProcess.run(["\(binaries)/pg_isready", "-q", "-h", "127.0.0.1", "-p", String(port)]).status == 0 { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        await server.stop()
        Issue.record("PostgreSQL did not start within 30 s: \((try? String(contentsOfFile: "\(folder.path)/postgres.log", encoding: .utf8)) ?? "")")
        throw CancellationError()
    }

    /// A URL for a new, empty database of its own (created unless `created` is false).
    func newDatabase(created: Bool = true) async throws -> String {
        let name = "ledger_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        if created { try await createDatabase(name) }
        return "postgres://postgres@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    func createDatabase(_ name: String) async throws {
        _ = try await psql(database: "postgres", "CREATE DATABASE \(name)")
    }

    /// Drops the database `url` names, closing its connections: a database gone from under the proxy.
    func dropDatabase(_ url: String) async throws {
        _ = try await psql(database: "postgres", "DROP DATABASE \(Self.databaseName(url)) WITH (FORCE)")
    }

    /// The database a `newDatabase` URL names.
    static func databaseName(_ url: String) -> String {
        String(url.split(separator: "/").last!.prefix { $0 != "?" })
    }

    /// What `statement` returns from the database `url` names: a row per line, its columns by
    /// name, their values as `psql` prints them (`nil` for NULL).
    func rows(_ url: String, _ statement: String) async throws -> [[String: String?]] {
        let lines = try await psql(database: Self.databaseName(url), statement).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.first?.split(separator: "\u{1f}").map(String.init) else { return [] }
        return lines.dropFirst().filter { !$0.isEmpty && !$0.hasPrefix("(") }.map { line in
            let fields = line.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields.map { $0 == "<NULL>" ? nil : $0 }))
        }
    }

    private func psql(database: String, _ statement: String) async throws -> String {
        let result = try await ChildProcess.run([
            "\(binaries)/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database,
            "--no-align", "--field-separator=\u{1f}", "--pset=footer=off", "--pset=null=<NULL>", "-c", statement,
        ])
        try #require(result.status == 0, "psql failed: \(result.output)")
        return result.output
    }

    /// Stops the server (fast shutdown), waits for it, and removes its folder: not left to the
    /// folder's owner letting go of it, which a pool still retrying a dropped database (postgres-nio
    /// keeps reconnecting after its task is cancelled) holds, by the suite's task-local server,
    /// until the test process ends.
    func stop() async {
        _ = try? await ChildProcess.run(asPostgres + ["\(binaries)/pg_ctl", "stop", "-D", "\(folder.path)/data", "-m", "fast", "-w"])
        try? FileManager.default.removeItem(atPath: folder.path)
    }
}

/// Starts a `PostgresServer` for a suite and stops it when the suite's tests are done; the
/// tests find it as `PostgresServer.current`.
struct PostgresTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try await PostgresServer.start()
        do {
            try await PostgresServer.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension Trait where Self == PostgresTrait {
    /// A real PostgreSQL server for the suite's tests.
    static var postgres: Self { PostgresTrait() }
}
