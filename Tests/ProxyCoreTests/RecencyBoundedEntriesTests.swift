import ProxyCore
import Testing

@Suite struct RecencyBoundedEntriesTests {
    @Test func overTheBoundTheLeastRecentlyUsedGoUntilAQuarterIsFree() {
        var entries = RecencyBoundedEntries<String, Int>(maximumCost: 100)
        for (index, key) in ["a", "b", "c", "d"].enumerated() { entries.keep(index, cost: 25, for: key) }
        entries.evictIfOver()
        #expect(entries.count == 4, "at the bound, nothing goes")
        #expect(entries.use("a") == 0, "a is now the most recently used")
        entries.keep(4, cost: 25, for: "e")
        entries.evictIfOver()
        // 125 over 100: b and c go, leaving 75.
        #expect(entries.cost == 75)
        #expect(entries.use("b") == nil)
        #expect(entries.use("c") == nil)
        #expect(entries.use("a") == 0)
        #expect(entries.use("d") == 3)
        #expect(entries.use("e") == 4)
    }

    @Test func anEntryKeptJustNowStaysEvenWhenItAloneIsOverThreeQuarters() {
        var entries = RecencyBoundedEntries<String, Int>(maximumCost: 100)
        entries.keep(0, cost: 20, for: "small")
        entries.keep(1, cost: 90, for: "large")
        entries.evictIfOver()
        #expect(entries.use("small") == nil)
        #expect(entries.use("large") == 1)
        #expect(entries.cost == 90)
    }

    @Test func aKeepReplacesItsKeysEntryAndItsCost() {
        var entries = RecencyBoundedEntries<String, String>(maximumCost: 100)
        entries.keep("old", cost: 30, for: "k")
        entries.keep("new", cost: 10, for: "k")
        #expect(entries.count == 1)
        #expect(entries.cost == 10)
        #expect(entries.use("k") == "new")
    }

    @Test func anEntryTheCallerRefusesIsNotFound() {
        var entries = RecencyBoundedEntries<Int, String>(maximumCost: 100)
        entries.keep("text", cost: 4, for: 1)
        #expect(entries.use(1) { $0.count == 5 } == nil)
        #expect(entries.use(1) { $0.count == 4 } == "text")
    }
}
