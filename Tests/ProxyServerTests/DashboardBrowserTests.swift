import Foundation
import ProxyCore
import ProxyServer
import Testing

/// The dashboard in a real browser (Debian's headless Chromium): the page loads, runs its script
/// against the usage API, and shows the numbers the ledger holds.
@Suite struct DashboardBrowserTests {
    static let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]

    /// The page's DOM once its script has run.
    private func renderedPage(_ url: String) async throws -> String {
        let chromium = try #require(
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "Debian's chromium is not installed: scripts/test installs it (apt-get install chromium)")
        // Held until Chromium has exited, so the profile it writes is removed with the directory.
        let profile = try TemporaryDirectory()
        let (output, status) = try await ChildProcess.run([
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=\(profile.path)",
            "--virtual-time-budget=15000", "--dump-dom", url,
        ])
        withExtendedLifetime(profile) {}
        #expect(status == 0, "\(output.suffix(2000))")
        return output
    }

    /// The opening tag of the element with `id` in `html`.
    private func tag(id: String, in html: String) -> String? {
        guard let range = html.range(of: "id=\"\(id)\"") else { return nil }
        let start = html[..<range.lowerBound].lastIndex(of: "<") ?? range.lowerBound
        let end = html[range.upperBound...].firstIndex(of: ">") ?? html.endIndex
        return String(html[start..<end])
    }

    /// The `data-value` of the element with `id`.
    private func dataValue(of id: String, in html: String) -> String? {
        guard let tag = tag(id: id, in: html), let start = tag.range(of: "data-value=\"") else { return nil }
        return String(tag[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test func thePageShowsWhatTheLedgerHolds() async throws {
        let database = try await TestLedgerDatabase(.sqlite)
        try await database.withLedger { ledger in
            try await ProxyHarness.run(ledger: ledger) { harness in
                for _ in 0..<2 { #expect(try await harness.post("/v1/messages", json: Self.request).status == 200) }
                var failure = FakeReply()
                failure.failure = .init(status: 400, message: "Unsupported parameter: 'temperature'")
                harness.fake.enqueue(failure)
                #expect(try await harness.post("/v1/messages", json: Self.request).status == 400)
                _ = try await harness.records.waitFor(3)
                let spend = try #require(try await harness.send(.GET, "/api/usage?group_by=day").json["total"]?["cost_usd"]?.doubleValue)

                let html = try await renderedPage(harness.proxyURL + "/ui")
                #expect(html.contains("data-state=\"ready\""), "\(html.prefix(3000))")
                #expect(dataValue(of: "total-requests", in: html) == "3")
                #expect(dataValue(of: "total-errors", in: html) == "1")
                #expect(dataValue(of: "streams-open", in: html) == "0")
                #expect(dataValue(of: "total-spend", in: html).flatMap(Double.init) == spend, "\(tag(id: "total-spend", in: html) ?? "no total-spend")")
                #expect(html.contains("<tr data-key=\"openai/gpt-4.1\""), "the model's row")
                #expect(html.contains("id=\"spend-chart\""))
                #expect(!html.contains("id=\"login\""))
            }
        }
    }

    @Test func withAnAdminKeyThePageAsksForIt() async throws {
        let database = try await TestLedgerDatabase(.sqlite)
        try await database.withLedger { ledger in
            try await ProxyHarness.run(environment: ["ADMIN_API_KEY": "admin-key-for-the-page-93ad"], ledger: ledger) { harness in
                let html = try await renderedPage(harness.proxyURL + "/ui")
                #expect(html.contains("data-state=\"login\""), "\(html.prefix(3000))")
                #expect(html.contains("id=\"login\""))
                #expect(html.contains("ADMIN_API_KEY"), "the API's message says what to send")
                #expect(!html.contains("id=\"total-requests\""))
            }
        }
    }
}
