import Foundation
import Glibc
import Synchronization

/// Runs a program, gathering what it prints (standard output and error together), and gives its
/// exit status when it ends. Reading and waiting block, so they happen on a thread of their own: on
/// this machine's two cooperative threads, blocking one for seconds starved every test beside it.
///
/// Spawned with `posix_spawn` itself rather than Foundation's `Process`: with many tests starting
/// programs at once, `Process.run()` once crashed the whole test process (a bad pointer in its own
/// copying), and Foundation's pipe reads stop it on an interrupted system call. Here a read or a
/// wait that a signal interrupts is made again, and the child gets only its three standard
/// descriptors, signals as a new program has them, and a process group of its own (as `Process`
/// gives it).
enum ChildProcess {
    struct SpawnFailure: Error, CustomStringConvertible {
        let step: String
        let code: Int32
        var description: String { "\(step) failed: \(String(cString: strerror(code)))" }
    }

    /// One of a program's outputs, which `start` can send nowhere instead of gathering it.
    enum Output {
        case standardOutput, standardError

        var descriptor: Int32 { self == .standardOutput ? 1 : 2 }
    }

    /// A started program: what it prints, gathered as it prints it, and its exit status once it
    /// has ended (for a child a signal ended, the signal's number, as `Process` says).
    final class Running: Sendable {
        private struct State {
            var output: [UInt8] = []
            var status: Int32?
            var waiting: [CheckedContinuation<Void, Never>] = []
        }

        let pid: pid_t
        private let state = Mutex(State())

        fileprivate init(pid: pid_t) {
            self.pid = pid
        }

        var output: String { state.withLock { String(decoding: $0.output, as: UTF8.self) } }
        var exitStatus: Int32? { state.withLock { $0.status } }
        var isRunning: Bool { exitStatus == nil }

        /// Returns once the program has ended and its output is all read.
        func exited() async {
            await withCheckedContinuation { continuation in
                let ended = state.withLock { state in
                    if state.status == nil { state.waiting.append(continuation) }
                    return state.status != nil
                }
                if ended { continuation.resume() }
            }
        }

        /// SIGTERM, then waits (blocking the caller, at most 20 s) until the program has ended.
        func stop() {
            guard isRunning else { return }
            kill(pid, SIGTERM)
            for _ in 0..<2000 where isRunning { usleep(10_000) }
        }

        fileprivate func gather(_ bytes: ArraySlice<UInt8>) {
            state.withLock { $0.output += bytes }
        }

        fileprivate func end(with status: Int32) {
            let waiting = state.withLock { state in
                state.status = status
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    /// Runs a program found on the PATH (or named by its path) to its end, as `start` starts it.
    static func run(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment, workingDirectory: String? = nil,
        input: String? = nil, discarding discarded: Output? = nil
    ) async throws -> (output: String, status: Int32) {
        let child = try start(["/usr/bin/env"] + arguments, environment: environment, workingDirectory: workingDirectory, input: input, discarding: discarded)
        await child.exited()
        return (child.output, child.exitStatus ?? -1)
    }

    /// Starts `arguments[0]` (a path) with the rest as its arguments, in `workingDirectory` when
    /// given; its standard output and error, but the one `discarded`, are gathered together, and
    /// it reads `input` (else /dev/null) on its standard input.
    static func start(
        _ arguments: [String], environment: [String: String], workingDirectory: String? = nil, input: String? = nil, discarding discarded: Output? = nil
    ) throws -> Running {
        let (pid, output, inputWriter) = try spawn(
            arguments, environment: environment, workingDirectory: workingDirectory, takingInput: input != nil, discarding: discarded)
        let child = Running(pid: pid)
        Thread {
            if let inputWriter {
                // A program that has ended makes the write fail (EPIPE) rather than send this
                // thread the SIGPIPE that would end the test process.
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
                // Short: the pipe holds it all, so this ends before the program's output is read.
                writeAll(Array((input ?? "").utf8), to: inputWriter)
                close(inputWriter)
            }
            readToEnd(output, into: child)
            close(output)
            child.end(with: waitForExit(pid))
        }.start()
        return child
    }

    /// Starts `arguments[0]` with the rest as its arguments, standard output and error (but the
    /// one discarded) into a pipe, standard input from another when `takingInput`, else /dev/null;
    /// the child's pid, the output pipe's end to read and the input pipe's end to write.
    private static func spawn(
        _ arguments: [String], environment: [String: String], workingDirectory: String?, takingInput: Bool, discarding discarded: Output?
    ) throws -> (pid_t, Int32, Int32?) {
        var pipe: [Int32] = [-1, -1]
        var inputPipe: [Int32] = [-1, -1]
        guard pipe2(&pipe, O_CLOEXEC) == 0 else { throw SpawnFailure(step: "pipe2", code: errno) }
        defer { close(pipe[1]) }
        if takingInput, pipe2(&inputPipe, O_CLOEXEC) != 0 {
            close(pipe[0])
            throw SpawnFailure(step: "pipe2", code: errno)
        }
        defer { if takingInput { close(inputPipe[0]) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if takingInput {
            posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        for output in [Output.standardOutput, .standardError] {
            if output == discarded {
                posix_spawn_file_actions_addopen(&actions, output.descriptor, "/dev/null", O_WRONLY, 0)
            } else {
                posix_spawn_file_actions_adddup2(&actions, pipe[1], output.descriptor)
            }
        }
        _ = closeFrom(&actions, 3)
        if let workingDirectory { _ = changeDirectory(&actions, workingDirectory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let code = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard code == 0 else {
            close(pipe[0])
            if takingInput { close(inputPipe[1]) }
            throw SpawnFailure(step: "posix_spawn \(arguments[0])", code: code)
        }
        return (pid, pipe[0], takingInput ? inputPipe[1] : nil)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                written += count
            } else if errno != EINTR {
                return
            }
        }
    }

    private static func readToEnd(_ descriptor: Int32, into child: Running) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                child.gather(chunk[..<count])
            } else if count == 0 || errno != EINTR {
                return
            }
        }
    }

    /// The exit status, or for a child a signal ended, the signal's number (as `Process` says).
    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    /// glibc's `pipe2`, `posix_spawn_file_actions_addchdir_np` and `…_addclosefrom_np`, looked up at run time:
    /// Swift's Glibc module leaves them out.
    private static func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return -1 }
        return unsafeBitCast(symbol, to: Pipe2.self)(descriptors, flags)
    }

    private static func changeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return -1 }
        return unsafeBitCast(symbol, to: AddChdir.self)(actions, path)
    }

    private static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return -1 }
        return unsafeBitCast(symbol, to: CloseFrom.self)(actions, lowest)
    }
}
