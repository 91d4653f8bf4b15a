import NIOCore

/// Runs a task's jobs on a NIO event loop: a client connection's, for the task serving the
/// connection (`EventLoopServedHTTP1Channel`) and for each exchange it starts.
///
/// An exchange goes back and forth between its client's connection, the upstream's connection and
/// its own code a dozen times; on Swift's default executor each of those crossings woke a thread
/// (about 18 context switches per request). Run on the client connection's event loop, the
/// exchange's code runs where the client's I/O already happens.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
