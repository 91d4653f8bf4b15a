import Foundation

/// Runs a program to its end and gives back what it printed (standard output and error together)
/// and its exit status. Reading and waiting block, so they happen on a thread of their own: on
/// this machine's two cooperative threads, blocking one for seconds starved every test beside it.
enum ChildProcess {
    static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let (data, status) = await withCheckedContinuation { continuation in
            Thread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (data, process.terminationStatus))
            }.start()
        }
        return (String(decoding: data, as: UTF8.self), status)
    }
}
