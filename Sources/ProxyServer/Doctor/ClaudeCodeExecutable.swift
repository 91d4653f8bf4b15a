import Foundation
import ProxyCore
import Synchronization

/// Claude Code's `claude`, as `anthropic-proxy claude` runs it and `doctor` looks for it:
/// `CLAUDE_BIN`, else `claude` on `PATH`.
package enum ClaudeCodeExecutable {
    /// Its path; `nil` when `CLAUDE_BIN` is unset and no folder on `PATH` has one.
    package static func path(_ environment: [String: String]) -> String? {
        if let configured = environment["CLAUDE_BIN"], !configured.isEmpty { return configured }
        return (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/claude" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What `claude --version` says (`2.1.332 (Claude Code)`), or why it did not: it must answer
    /// within `timeout`, or it is stopped.
    package static func version(of path: String, timeout: Duration) async -> Result<String, VersionProblem> {
        guard FileManager.default.isExecutableFile(atPath: path) else { return .failure(VersionProblem(description: "not an executable file")) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(VersionProblem(description: "\(error)"))
        }
        let timedOut = Mutex(false)
        let timer = Task {
            try await Task.sleep(for: timeout)
            timedOut.withLock { $0 = true }
            process.terminate()
        }
        // Reading and waiting block: on a thread of their own, not the cooperative pool's.
        let (data, status) = await withCheckedContinuation { continuation in
            Thread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (data, process.terminationStatus))
            }.start()
        }
        timer.cancel()
        let said = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if timedOut.withLock({ $0 }) { return .failure(VersionProblem(description: "no answer to --version within \(timeout.spoken)")) }
        guard status == 0, !said.isEmpty else {
            return .failure(VersionProblem(description: "--version exited with status \(status)" + (said.isEmpty ? "" : ": \(said.prefix(200))")))
        }
        return .success(said.split(separator: "\n").last.map(String.init) ?? said)
    }

    /// Why `claude --version` gave no version.
    package struct VersionProblem: Error, CustomStringConvertible {
        package var description: String
    }
}
