import Foundation
import Testing

/// Starts a server program in the background for a test suite, and stops it: a watcher stops the
/// server when the test process goes away first, so that no server outlives the tests that made it.
enum BackgroundServer {
    /// Runs `arguments` in the background, with its output in `log`, and returns once it runs,
    /// watched (interrupted, when the test process goes first); the server's process id is
    /// written to `log` + `.pid`.
    static func start(_ arguments: [String], log: String) async throws {
        let started = try await ChildProcess.run(["bash", "-c", launcher, "server-launcher", log] + arguments)
        let pid = try #require(Int32(started.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(arguments.first ?? "the server") could not be started: \(started.output)")
        try "\(pid)\n".write(toFile: log + ".pid", atomically: true, encoding: .utf8)
        try await watch(pid, signal: "INT")
    }

    /// Stops the process `pid` (a server the test runs itself) with `signal`, then SIGKILL 5 s
    /// later, when the test process goes away first: a test abandoned at its time limit, or a
    /// crash, would otherwise leave it running.
    static func watch(_ pid: Int32, signal: String = "TERM") async throws {
        let started = try await ChildProcess.run(["bash", "-c", watcher, "server-watcher", String(getpid()), String(pid), signal])
        try #require(started.status == 0, "the watcher of process \(pid) could not be started: \(started.output)")
    }

    /// Interrupts the server `start` ran with `log` and waits (at most 10 s) until it has exited.
    static func stop(log: String) async {
        guard let pid = (try? String(contentsOfFile: log + ".pid", encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            return
        }
        kill(pid, SIGINT)
        for _ in 0..<100 where kill(pid, 0) == 0 {
            try? await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGKILL)
    }

    /// Runs the server (the arguments after the log file `$1`) in the background and prints its
    /// process id. It first closes every descriptor it inherited beyond the standard three: a
    /// server that kept another test's pipe open would keep that test waiting for its end, and
    /// Foundation's `Process` would take the closing of its own notice socket for the end of a
    /// process it then waits for.
    private static let launcher = #"""
        log=$1; shift
        for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done 2>/dev/null
        "$@" >"$log" 2>&1 </dev/null &
        echo $!
        """#

    /// Waits, in the background, until the test process (`$1`) or the server (`$2`) is gone, and
    /// when the test process went first sends the server `$3`, then SIGKILL if it has not stopped
    /// 5 s later (uvicorn finishes a generation first). It keeps none of the test's descriptors.
    private static let watcher = #"""
        parent=$1; server=$2; signal=$3
        (
            for fd in /proc/$BASHPID/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done 2>/dev/null
            while kill -0 "$parent" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done
            # A server that ended by itself is left alone: its number may be another process's now.
            kill -0 "$parent" 2>/dev/null && exit 0
            kill -$signal $server 2>/dev/null
            for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 $server 2>/dev/null || break; sleep 0.5; done
            kill -KILL $server 2>/dev/null
        ) >/dev/null 2>&1 </dev/null &
        exit 0
        """#
}
