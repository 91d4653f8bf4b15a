import Foundation
import Testing

/// Starts a server program in the background for a test suite, and stops it: a watcher stops the
/// server when the test process goes away first, so that no server outlives the tests that made it.
enum BackgroundServer {
    /// Runs `arguments` in the background, with its output in `log`, and returns once it runs; the
    /// server's process id is written to `log` + `.pid`.
    static func start(_ arguments: [String], log: String) async throws {
        let started = try await ChildProcess.run(["bash", "-c", watchdog, "server-watchdog", String(getpid()), log] + arguments)
        try #require(started.status == 0, "\(arguments.first ?? "the server") could not be started: \(started.output)")
    }

    /// Stops the process `pid` (a server the test runs itself) when the test process goes away
    /// first: a test abandoned at its time limit, or a crash, would otherwise leave it running.
    static func watch(_ pid: Int32) async throws {
        let started = try await ChildProcess.run(["bash", "-c", watcher, "server-watcher", String(getpid()), String(pid)])
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

    /// Runs the server (the arguments after the log file) in the background, and returns: a
    /// watcher stops the server when the test process (`$1`) goes away (interrupted, then killed
    /// 5 s later if it has not stopped). The background part
    /// first closes every descriptor it inherited beyond the standard three (which it points at
    /// /dev/null): a server that kept another test's pipe open would keep that test waiting for
    /// its end, and Foundation's `Process` would take the closing of its own notice socket for
    /// the end of a process it then waits for.
    /// Waits, in the background, until the test process (`$1`) or the server (`$2`) is gone, and
    /// when the test process went first stops the server, as the watchdog below does; it keeps none
    /// of the test's descriptors.
    private static let watcher = #"""
        parent=$1; server=$2
        (
            for fd in /proc/$BASHPID/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done 2>/dev/null
            while kill -0 "$parent" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done
            # A server that ended by itself is left alone: its number may be another process's now.
            kill -0 "$parent" 2>/dev/null && exit 0
            kill -TERM $server 2>/dev/null
            for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 $server 2>/dev/null || break; sleep 0.5; done
            kill -KILL $server 2>/dev/null
        ) >/dev/null 2>&1 </dev/null &
        exit 0
        """#

    private static let watchdog = #"""
        parent=$1; log=$2; shift 2
        (
            for fd in /proc/$BASHPID/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done 2>/dev/null
            "$@" >"$log" 2>&1 </dev/null &
            server=$!
            echo $server >"$log.pid"
            while kill -0 "$parent" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done
            kill -INT $server 2>/dev/null
            # A server busy answering may finish that first (uvicorn does): it has 5 s.
            for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 $server 2>/dev/null || break; sleep 0.5; done
            kill -KILL $server 2>/dev/null
        ) >/dev/null 2>&1 </dev/null &
        exit 0
        """#
}
