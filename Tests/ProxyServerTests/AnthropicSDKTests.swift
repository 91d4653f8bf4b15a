import Foundation
import Testing

/// Runs the Python tests in `Tests/sdk` (the official `anthropic` SDK as the client) against the
/// real proxy and the strict fake upstreams (OpenAI and Gemini, on one server), passing their URLs in
/// PROXY_URL and FAKE_UPSTREAM_URL.
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
            let (data, status) = await Self.outputAndStatus(of: process, reading: output)
            let report = String(decoding: data, as: UTF8.self)
            print(report)
            #expect(status == 0, "pytest failed:\n\(report)")
            #expect(report.contains(" passed"), "pytest ran no test:\n\(report)")
        }
    }

    /// Reads the process's output while it runs (so a full pipe cannot block it) and waits for its
    /// end on a thread of its own: both calls block, and blocking one of the two cooperative threads
    /// of this machine for the suite's 15 s starved every test running beside it.
    private static func outputAndStatus(of process: Process, reading output: Pipe) async -> (Data, Int32) {
        await withCheckedContinuation { continuation in
            Thread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (data, process.terminationStatus))
            }.start()
        }
    }
}
