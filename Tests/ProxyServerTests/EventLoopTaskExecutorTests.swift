import NIOCore
import NIOPosix
@testable import ProxyServer
import Testing

/// A task that prefers an event loop's executor runs its code on that loop, before and after it
/// suspends, and so do the tasks of its groups.
@Suite struct EventLoopTaskExecutorTests {
    @Test func aTaskRunsOnTheEventLoopBeforeAndAfterSuspending() async throws {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let task = Task(executorPreference: EventLoopTaskExecutor(eventLoop)) { () -> [Bool] in
            var onLoop = [eventLoop.inEventLoop]
            try? await Task.sleep(for: .milliseconds(5))
            onLoop.append(eventLoop.inEventLoop)
            _ = try? await eventLoop.next().makeSucceededFuture(1).get()
            onLoop.append(eventLoop.inEventLoop)
            let children = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<3 { group.addTask { eventLoop.inEventLoop } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            return onLoop + children
        }
        #expect(await task.value == Array(repeating: true, count: 6))
        #expect(!eventLoop.inEventLoop, "the test itself is not on the loop")
    }
}
