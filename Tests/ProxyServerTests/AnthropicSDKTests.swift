import Foundation
import Testing

/// Runs the Python tests in `Tests/sdk` (the official `anthropic` SDK as the client) against the
/// real proxy and the strict fake upstream, passing their URLs in PROXY_URL and FAKE_UPSTREAM_URL.
@Suite struct AnthropicSDKTests {
    @Test func officialPythonSDKPassesItsSuiteAgainstTheProxy() async throws {
        let sdkTests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sdk")
        try await ProxyHarness.run { harness in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", sdkTests.path]
            var environment = ProcessInfo.processInfo.environment
            environment["PROXY_URL"] = harness.proxyURL
            environment["FAKE_UPSTREAM_URL"] = harness.upstreamURL
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            // Read while it runs, so a full pipe cannot block it, on a thread of its own: blocking one
            // of Swift's few cooperative threads for the whole run would starve the other suites'
            // servers (and their timing tests) meanwhile.
            let data = await withCheckedContinuation { continuation in
                Thread {
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: data)
                }.start()
            }
            let report = String(decoding: data, as: UTF8.self)
            print(report)
            #expect(process.terminationStatus == 0, "pytest failed:\n\(report)")
            #expect(report.contains(" passed"), "pytest ran no test:\n\(report)")
        }
    }
}
