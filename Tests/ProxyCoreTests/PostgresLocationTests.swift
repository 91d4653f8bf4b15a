import ProxyCore
import Testing

/// `USAGE_DATABASE=postgres://…` read as libpq reads such a URL, its password kept out of every
/// message, listing and log.
@Suite struct PostgresLocationTests {
    private func location(_ url: String) throws -> PostgresLocation {
        try PostgresLocation(url: url, name: "USAGE_DATABASE")
    }

    @Test func aFullURL() throws {
        let location = try location("postgresql://ledger:p%40ss%2Fw0rd@db.internal:6432/usage?sslmode=verify-full&application_name=proxy")
        #expect(location.host == "db.internal")
        #expect(location.port == 6432)
        #expect(location.user == "ledger")
        #expect(location.password == "p@ss/w0rd")
        #expect(location.database == "usage")
        #expect(location.tls == .verifyFull)
        #expect(location.socketFolder == nil)
        #expect(location.description == "postgres://ledger@db.internal:6432/usage")
    }

    @Test func defaultsAndOtherForms() throws {
        let plain = try location("postgres://proxy@localhost")
        #expect(plain.port == 5432 && plain.database == "proxy" && plain.password == nil && plain.tls == .prefer)
        let ipv6 = try location("postgres://proxy:pw@[::1]:5433/db?sslmode=disable")
        #expect(ipv6.host == "::1" && ipv6.port == 5433 && ipv6.tls == .disable)
        let socket = try location("postgres://proxy@/usage?host=/run/postgresql")
        #expect(socket.socketFolder == "/run/postgresql" && socket.database == "usage")
        #expect(socket.description == "postgres:/" + "/proxy@/run/postgresql (socket)/usage")
    }

    @Test func aBadURLSaysWhatToWriteWithoutItsPassword() {
        #expect(throws: ConfigurationError.self) { try location("postgres://user:secret@db:port/x") }
        do {
            _ = try location("postgres://user:hunter2@db:99999/x")
            Issue.record("a port out of range was taken")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("'99999' is not a port number"))
            #expect(error.description.contains("postgres://USER:PASSWORD@HOST:PORT/DATABASE"))
            #expect(!error.description.contains("hunter2"))
        } catch {
            Issue.record(error)
        }
        #expect(throws: ConfigurationError.self) { try location("postgres://db.internal/usage") }
        #expect(throws: ConfigurationError.self) { try location("postgres://u@db/x?sslmode=sometimes") }
    }

    @Test func theConfigurationKeepsThePasswordSecretAndShowsTheRest() throws {
        let configuration = try ProxyConfiguration(environment: ["USAGE_DATABASE": "postgres://ledger:s3cret-pw@db:5432/usage"])
        #expect(configuration.usageDatabase == .postgres(try location("postgres://ledger:s3cret-pw@db:5432/usage")))
        #expect(configuration.secrets.contains("s3cret-pw"), "redacted wherever it would be logged")
        #expect("postgres://ledger:s3cret-pw@db:5432/usage".maskingURLPassword == "postgres://ledger:***@db:5432/usage")
        let listed = ResolvedSetting(setting: .usageDatabase, value: "postgres://ledger:s3cret-pw@db:5432/usage", source: .environment)
        #expect(listed.printableValue == "postgres://ledger:***@db:5432/usage", "config check shows the URL, not its password")
        #expect("https://api.openai.com/v1".maskingURLPassword == "https://api.openai.com/v1")
        #expect(configuration.usageDatabase.description(environment: [:]) == "postgres://ledger@db:5432/usage")
        #expect(throws: ConfigurationError.self) { try ProxyConfiguration(environment: ["USAGE_DATABASE": "postgres://nobody"]) }
    }
}
