import Synchronization
import Testing

@testable import ProxyServer

/// Work with a deadline that is not waited for past it, even when the work ignores cancellation.
@Suite struct AbandonableWorkTests {
    private struct Late: Error {}
    /// Waits nobody ends, kept so that they are not taken for leaks.
    private static let parked = Mutex<[CheckedContinuation<Int, Never>]>([])

    @Test func workThatEndsInTimeGivesItsResult() async throws {
        let result = try await AbandonableWork.run(within: .seconds(30), timeoutError: { Late() }) { 42 }
        #expect(result == 42)
    }

    @Test func workThatIgnoresCancellationIsLeftBehindAtTheDeadline() async throws {
        await #expect(throws: Late.self) {
            // A continuation nobody resumes: cancellation does not end the wait, as it did not end
            // postgres-nio's wait for a connection to a database that was gone.
            try await AbandonableWork.run(within: .milliseconds(100), timeoutError: { Late() }) {
                await withCheckedContinuation { continuation in Self.parked.withLock { $0.append(continuation) } }
            }
        }
    }

    @Test func workThatFailsGivesItsError() async throws {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await AbandonableWork.run(within: .seconds(30), timeoutError: { Late() }) { () async throws -> Int in throw Refused() }
        }
    }
}
