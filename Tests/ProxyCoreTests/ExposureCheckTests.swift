import ProxyCore
import Testing

/// An address other machines reach needs a key, or the operator's explicit word that it needs none.
@Suite struct ExposureCheckTests {
    private func refusal(_ environment: [String: String], hasClientKeys: Bool = false) throws -> String? {
        ExposureCheck.refusal(try ProxyConfiguration(environment: environment), hasClientKeys: hasClientKeys)
    }

    @Test func loopbackAddressesAreThisMachineOnly() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LocalHost"] {
            #expect(ExposureCheck.isLoopback(host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "127.0.0", "127.0.0.1.5", "127.0.0.256", "128.0.0.1", "example.com", "localhost.example.com"] {
            #expect(!ExposureCheck.isLoopback(host), "\(host)")
        }
    }

    @Test func theDefaultAddressStartsWithoutAKey() throws {
        #expect(try refusal([:]) == nil)
        #expect(try refusal(["HOST": "localhost"]) == nil)
    }

    @Test func anExposedAddressWithoutAnyKeyIsRefusedNamingBothKindsOfKeyAndTheWayOut() throws {
        let message = try #require(try refusal(["HOST": "0.0.0.0"]))
        #expect(!message.contains("\n"), "one line")
        for part in ["HOST 0.0.0.0", "PROXY_API_KEY", "anthropic-proxy keys create NAME", "--allow-unauthenticated", "ALLOW_UNAUTHENTICATED=true"] {
            #expect(message.contains(part), "\(part)")
        }
        let unread = ExposureCheck.refusal(
            try ProxyConfiguration(environment: ["HOST": "0.0.0.0"]), hasClientKeys: false, clientKeysProblem: "postgres://proxy@db:5432/proxy did not answer within 5 seconds")
        #expect(unread?.hasSuffix(" (The client keys could not be read from the usage database: postgres://proxy@db:5432/proxy did not answer within 5 seconds.)") == true)
    }

    @Test func aProxyKeyAClientKeyOrTheExplicitAllowanceLetsAnExposedAddressStart() throws {
        #expect(try refusal(["HOST": "0.0.0.0", "PROXY_API_KEY": "proxy-secret"]) == nil)
        #expect(try refusal(["HOST": "192.168.1.10"], hasClientKeys: true) == nil)
        #expect(try refusal(["HOST": "0.0.0.0", "ALLOW_UNAUTHENTICATED": "true"]) == nil)
        #expect(try refusal(["HOST": "0.0.0.0", "ALLOW_UNAUTHENTICATED": "false"]) != nil)
    }
}
