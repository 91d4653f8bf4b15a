import Foundation
import Testing

/// Runs the Python tests in `Tests/sdk` (the official `anthropic` SDK as the client) against the
/// real proxy and the strict fake upstreams (OpenAI and Gemini, on one server), passing their URLs in
/// PROXY_URL and FAKE_UPSTREAM_URL.
@Suite struct AnthropicSDKTests {
    @Test func officialPythonSDKPassesItsSuiteAgainstTheProxy() async throws {
        let sdkTests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sdk")
        try await ProxyHarness.run { harness in
            var environment = ProcessInfo.processInfo.environment
            environment["PROXY_URL"] = harness.proxyURL
            environment["FAKE_UPSTREAM_URL"] = harness.upstreamURL
            let (report, status) = try await ChildProcess.run(["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", sdkTests.path], environment: environment)
            print(report)
            #expect(status == 0, "pytest failed:\n\(report)")
            #expect(report.contains(" passed"), "pytest ran no test:\n\(report)")
        }
    }
}
