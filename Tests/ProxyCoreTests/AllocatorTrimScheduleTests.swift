import ProxyCore
import Testing

/// The allocator is trimmed once bulk work has stopped for the quiet time: not while it runs, not
/// before the time is up, once a burst, and again after the next.
@Suite struct AllocatorTrimScheduleTests {
    private let start = ContinuousClock.now

    /// Asks the schedule, which counts a trim it says to make.
    private static func trims(_ schedule: inout AllocatorTrimSchedule, at now: ContinuousClock.Instant) -> Bool {
        schedule.trimsNow(at: now)
    }

    @Test func aBurstIsTrimmedOnceWhenQuietLongEnough() {
        var schedule = AllocatorTrimSchedule(quiet: .seconds(10))
        #expect(Self.trims(&schedule, at: start) == false, "no bulk work yet")
        schedule.bulkWorkStarted()
        schedule.bulkWorkStarted()
        schedule.bulkWorkEnded(at: start)
        #expect(Self.trims(&schedule, at: start + .seconds(60)) == false, "one still runs")
        schedule.bulkWorkEnded(at: start + .seconds(1))
        #expect(Self.trims(&schedule, at: start + .seconds(10)) == false, "quiet for 9 s only")
        #expect(Self.trims(&schedule, at: start + .seconds(11)) == true)
        #expect(Self.trims(&schedule, at: start + .seconds(30)) == false, "once a burst")

        schedule.bulkWorkStarted()
        schedule.bulkWorkEnded(at: start + .seconds(40))
        #expect(Self.trims(&schedule, at: start + .seconds(45)) == false)
        #expect(Self.trims(&schedule, at: start + .seconds(50)) == true)
    }

    @Test func workThatGoesOnPutsTheTrimOff() {
        var schedule = AllocatorTrimSchedule(quiet: .seconds(10))
        for second in stride(from: 0, to: 60, by: 5) {
            schedule.bulkWorkStarted()
            schedule.bulkWorkEnded(at: start + .seconds(second))
            #expect(Self.trims(&schedule, at: start + .seconds(second + 5)) == false, "turns 5 s apart keep the memory")
        }
        #expect(Self.trims(&schedule, at: start + .seconds(65)) == true)
    }
}
