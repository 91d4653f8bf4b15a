import ProxyCore
import Testing

/// A stream's timers in virtual time: pings fill silences, a silent upstream ends the stream, and
/// a graceful shutdown ends it before the server closes.
@Suite struct StreamSupervisorTests {
    private static let idleError = AnthropicError(
        .timeout, "The OpenAI upstream sent nothing for 300 s (IDLE_TIMEOUT_SECONDS); the reply is incomplete.", status: 504)
    private static let shutdownError = AnthropicError(
        .overloaded, "The proxy is shutting down and this reply did not finish within its grace period (SHUTDOWN_GRACE_SECONDS); retry the request.",
        status: 529)

    private func supervisor(pingInterval: Duration? = .seconds(10), grace: Duration = .seconds(10)) -> StreamSupervisor {
        StreamSupervisor(pingInterval: pingInterval, idleTimeout: .seconds(300), shutdownGracePeriod: grace, providerName: "OpenAI")
    }

    /// Ticks at `times`, in order, returning what each one said was due.
    private func ticks(_ supervisor: inout StreamSupervisor, at times: [Duration]) -> [StreamSupervisor.Action?] {
        times.map { supervisor.tick(at: $0) }
    }

    @Test func pingsGoOutOnlyAfterSilence() {
        var supervisor = supervisor()
        #expect(ticks(&supervisor, at: [.seconds(5), .milliseconds(9_999)]) == [nil, nil])
        #expect(supervisor.tick(at: .seconds(10)) == .ping)
        // The ping counts as a write: the next is due a whole interval later.
        #expect(supervisor.nextDeadline == .seconds(20))
        #expect(ticks(&supervisor, at: [.seconds(15), .seconds(20)]) == [nil, .ping])
    }

    @Test func aWritePostponesThePing() {
        var supervisor = supervisor()
        supervisor.wrote(at: .seconds(8))
        #expect(supervisor.nextDeadline == .seconds(18))
        #expect(ticks(&supervisor, at: [.seconds(10), .seconds(17), .seconds(18)]) == [nil, nil, .ping])
    }

    @Test func withoutAPingIntervalNoPingIsEverDue() {
        var supervisor = supervisor(pingInterval: nil)
        #expect(supervisor.nextDeadline == .seconds(300))
        #expect(ticks(&supervisor, at: [.seconds(10), .seconds(100), .seconds(299)]) == [nil, nil, nil])
    }

    @Test func upstreamActivityPostponesTheIdleExpiry() {
        var supervisor = supervisor(pingInterval: nil)
        supervisor.upstreamActivity(at: .seconds(200))
        #expect(supervisor.tick(at: .seconds(300)) == nil)
        #expect(supervisor.nextDeadline == .seconds(500))
        // Writes to the client are not the upstream's activity.
        supervisor.wrote(at: .seconds(450))
        #expect(supervisor.tick(at: .seconds(500)) == .endIdle(Self.idleError))
    }

    @Test func idleExpiryNamesTheProviderTheSecondsAndTheSetting() {
        var supervisor = StreamSupervisor(pingInterval: nil, idleTimeout: .seconds(45), shutdownGracePeriod: .seconds(10), providerName: "Gemini")
        #expect(
            supervisor.tick(at: .seconds(45))
                == .endIdle(AnthropicError(.timeout, "The Gemini upstream sent nothing for 45 s (IDLE_TIMEOUT_SECONDS); the reply is incomplete.", status: 504)))
    }

    /// The grace period but for its last second, so that the error is written before the server closes.
    @Test func shutdownEndsTheStreamASecondBeforeTheGracePeriodEnds() {
        var supervisor = supervisor(pingInterval: nil)
        supervisor.shutdownBegan(at: .seconds(50))
        #expect(supervisor.nextDeadline == .seconds(59))
        #expect(supervisor.tick(at: .milliseconds(58_999)) == nil)
        #expect(supervisor.tick(at: .seconds(59)) == .endForShutdown(Self.shutdownError))
    }

    /// A grace period under two seconds keeps half of it for the last writes.
    @Test func aShortGracePeriodKeepsHalfOfItInReserve() {
        var supervisor = supervisor(pingInterval: nil, grace: .seconds(1))
        supervisor.shutdownBegan(at: .seconds(50))
        #expect(supervisor.nextDeadline == .milliseconds(50_500))
        // Only the first shutdown counts.
        supervisor.shutdownBegan(at: .seconds(60))
        #expect(supervisor.nextDeadline == .milliseconds(50_500))
    }

    @Test func nothingIsDueAfterTheEnd() {
        var supervisor = supervisor()
        supervisor.shutdownBegan(at: .seconds(1))
        supervisor.streamEnded()
        #expect(supervisor.nextDeadline == nil)
        #expect(ticks(&supervisor, at: [.seconds(10), .seconds(400)]) == [nil, nil])

        var expired = self.supervisor()
        #expect(expired.tick(at: .seconds(300)) == .endIdle(Self.idleError))
        expired.upstreamActivity(at: .seconds(301))
        expired.shutdownBegan(at: .seconds(301))
        #expect(expired.nextDeadline == nil)
        #expect(ticks(&expired, at: [.seconds(310), .seconds(700)]) == [nil, nil])
    }

    /// Both deadlines passed before the tick came: the stream ended at the earlier one.
    @Test func theEarlierOfTwoPassedDeadlinesEndsTheStream() {
        var idleFirst = supervisor(pingInterval: nil)
        idleFirst.shutdownBegan(at: .seconds(295))
        #expect(idleFirst.tick(at: .seconds(310)) == .endIdle(Self.idleError))

        var shutdownFirst = supervisor(pingInterval: nil)
        shutdownFirst.shutdownBegan(at: .seconds(280))
        #expect(shutdownFirst.tick(at: .seconds(310)) == .endForShutdown(Self.shutdownError))
    }

    @Test func nextDeadlineIsAlwaysTheEarliestPending() {
        var supervisor = supervisor()
        #expect(supervisor.nextDeadline == .seconds(10))  // ping 10, idle 300
        supervisor.upstreamActivity(at: .seconds(5))
        supervisor.wrote(at: .seconds(5))
        #expect(supervisor.nextDeadline == .seconds(15))  // ping 15, idle 305
        supervisor.shutdownBegan(at: .seconds(5))
        #expect(supervisor.nextDeadline == .seconds(14))  // ping 15, idle 305, shutdown 14
        supervisor.wrote(at: .seconds(6))
        #expect(supervisor.nextDeadline == .seconds(14))  // ping 16
        #expect(supervisor.tick(at: .seconds(14)) == .endForShutdown(Self.shutdownError))

        var quiet = self.supervisor(pingInterval: .seconds(400))
        #expect(quiet.nextDeadline == .seconds(300))  // idle 300 before ping 400
        quiet.shutdownBegan(at: .seconds(100))
        #expect(quiet.nextDeadline == .seconds(109))
    }
}
