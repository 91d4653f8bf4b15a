import ProxyCore
import Testing

/// A client connection's deadlines in virtual time: slow heads and bodies and idle connections
/// overrun their limits; an answer, however long, has none.
@Suite struct ClientConnectionDeadlinesTests {
    private static let limits = ClientConnectionDeadlines.Limits(head: .seconds(10), body: .seconds(60), idle: .seconds(30))

    private func opened(at time: Duration = .zero) -> ClientConnectionDeadlines {
        ClientConnectionDeadlines(limits: Self.limits, openedAt: time)
    }

    @Test func aNewConnectionMustSendItsHeadWithinTheHeadLimit() {
        let deadlines = opened(at: .seconds(5))
        #expect(deadlines.deadline == .seconds(15))
        #expect(deadlines.expired(at: .seconds(14)) == nil)
        #expect(deadlines.expired(at: .seconds(15)) == .head)
    }

    @Test func theBodyIsTimedFromTheEndOfTheHeadAsAWhole() {
        var deadlines = opened()
        deadlines.bytesArrived(at: .seconds(1))
        deadlines.headReceived(at: .seconds(2))
        // Bytes of the body do not postpone its deadline: a trickle is as slow as a pause.
        for second in 3...61 { deadlines.bytesArrived(at: .seconds(second)) }
        #expect(deadlines.deadline == .seconds(62))
        #expect(deadlines.expired(at: .seconds(61)) == nil)
        #expect(deadlines.expired(at: .seconds(62)) == .body)
    }

    @Test func noLimitAppliesWhileTheProxyAnswers() {
        var deadlines = opened()
        deadlines.headReceived(at: .seconds(1))
        deadlines.bodyEnded(at: .seconds(2))
        #expect(deadlines.deadline == nil)
        #expect(deadlines.expired(at: .seconds(3600)) == nil, "an hour-long stream is not cut")
    }

    @Test func aKeptAliveConnectionIdlesFromTheEndOfTheAnswerThenItsNextHeadIsTimedFromItsFirstByte() {
        var deadlines = opened()
        deadlines.headReceived(at: .seconds(1))
        deadlines.bodyEnded(at: .seconds(1))
        deadlines.answerEnded(at: .seconds(100))
        #expect(deadlines.deadline == .seconds(130))
        #expect(deadlines.expired(at: .seconds(130)) == .idle)

        deadlines.bytesArrived(at: .seconds(125))
        #expect(deadlines.deadline == .seconds(135), "the head limit from the first byte")
        deadlines.bytesArrived(at: .seconds(130))
        #expect(deadlines.deadline == .seconds(135), "later bytes of the head do not postpone it")
        #expect(deadlines.expired(at: .seconds(134)) == nil)
        #expect(deadlines.expired(at: .seconds(135)) == .head)
    }

    @Test func anEarlyAnswerLeavesTheBodyItsDeadlineThenTheConnectionIdles() {
        var deadlines = opened()
        deadlines.headReceived(at: .seconds(1))
        // A refusal (401, 413) is written while the body still arrives.
        deadlines.answerEnded(at: .seconds(2))
        #expect(deadlines.deadline == .seconds(61))
        deadlines.bodyEnded(at: .seconds(20))
        #expect(deadlines.deadline == .seconds(50))
    }

    @Test func aPipelinedBodyIsTimedFromTheEndOfTheAnswerBeforeIt() {
        var deadlines = opened()
        deadlines.headReceived(at: .seconds(1))
        deadlines.bodyEnded(at: .seconds(1))
        deadlines.headReceived(at: .seconds(2))
        #expect(deadlines.deadline == nil, "waiting for the first answer, which may be a long stream")
        #expect(deadlines.expired(at: .seconds(500)) == nil)
        deadlines.answerEnded(at: .seconds(600))
        #expect(deadlines.deadline == .seconds(660))
        deadlines.bodyEnded(at: .seconds(601))
        #expect(deadlines.deadline == nil)
        deadlines.answerEnded(at: .seconds(602))
        #expect(deadlines.deadline == .seconds(632))
    }

    @Test func bytesOfAPipelinedRequestDuringAnAnswerStartNoDeadline() {
        var deadlines = opened()
        deadlines.headReceived(at: .seconds(1))
        deadlines.bodyEnded(at: .seconds(1))
        deadlines.bytesArrived(at: .seconds(2))
        #expect(deadlines.deadline == nil)
        #expect(deadlines.expired(at: .seconds(300)) == nil)
    }
}
