import ProxyCore
import Testing

/// `doctor`'s output: a line a check and a summary, or JSON with the same statuses; the exit status.
@Suite struct DoctorReportTests {
    static let report = DoctorReport(checks: [
        DoctorCheck(.ok, "Configuration", "valid"),
        DoctorCheck(.warning, "Claude Code", "not found", fix: "Install it"),
        DoctorCheck(.failure, "openai (https://api.openai.com/v1)", "key refused (401: Incorrect API key provided: sk-live-0123456789abcdefXYZ)", fix: "Check OPENAI_API_KEY."),
    ])

    @Test func oneLineACheckWithItsSymbolThenASummary() {
        #expect(Self.report.text == """
            ✓ Configuration: valid
            ! Claude Code: not found. Install it
            ✗ openai (https://api.openai.com/v1): key refused (401: Incorrect API key provided: sk-live-0123456789abcdefXYZ). Check OPENAI_API_KEY.
            1 of 3 checks failed, 1 warning: fix the ✗ lines above.
            """)
        #expect(!Self.report.ok)
        #expect(Self.report.exitStatus == 1)
        let fine = DoctorReport(checks: Array(Self.report.checks.prefix(2)))
        #expect(fine.ok && fine.exitStatus == 0)
        #expect(fine.summary == "No problem that stops the proxy; 1 warning.")
    }

    @Test func jsonCarriesTheSameStatuses() throws {
        let json = try JSONParser.parse(JSONWriter.encode(Self.report.json))
        #expect(json["ok"] == false)
        #expect(json["version"] == .string(ProxyVersion.current))
        let checks = try #require(json["checks"]?.arrayValue)
        #expect(checks.map { $0["status"]?.stringValue } == ["ok", "warning", "failure"])
        #expect(checks[2]["name"] == "openai (https://api.openai.com/v1)")
        #expect(checks[2]["fix"] == "Check OPENAI_API_KEY.")
        #expect(checks[0]["fix"] == .null)
    }

    @Test func secretsAreRedactedFromEveryPart() {
        let redacted = Self.report.redacted(by: SecretRedactor(secrets: ["Configuration-secret"]))
        #expect(!redacted.text.contains("sk-live-0123456789abcdefXYZ"), "a key's shape, even one the proxy does not hold")
        #expect(redacted.checks[2].detail.contains(SecretRedactor.replacement))
    }

    @Test func timeLimitsAreSaidPlainly() {
        #expect(Duration.seconds(3).spoken == "3 s")
        #expect(Duration.milliseconds(250).spoken == "250 ms")
    }
}
