import Testing

@testable import ProxyCore

struct UsageTextTests {
    private func summary(_ key: String, requests: Int, input: Int, output: Int, cost: Double, unpriced: Int = 0) -> UsageSummary {
        var summary = UsageSummary(key: key)
        summary.requests = requests
        summary.inputTokens = input
        summary.outputTokens = output
        summary.pricedCostUSD = cost
        summary.unpricedRequests = unpriced
        return summary
    }

    @Test func theTableAlignsItsColumnsAndEndsWithTheTotal() {
        let table = UsageText.table(
            [summary("openai/gpt-4.1", requests: 12, input: 153_400, output: 2_100, cost: 0.3236), summary("ollama/qwen3", requests: 3, input: 900, output: 40, cost: 0, unpriced: 3)],
            grouping: .model)
        #expect(
            table == """
                model           requests  errors   input  output  cache read  cache write  searches                cost
                openai/gpt-4.1        12       0  153.4k    2.1k           0            0         0               $0.32
                ollama/qwen3           3       0     900      40           0            0         0       unknown price
                total                 15       0  154.3k    2.1k           0            0         0  $0.32 + 3 unpriced
                """)
    }

    @Test func theStatusLineNamesTheTargetTheSessionAndToday() {
        let line = UsageText.statusLine(
            target: "openai/gpt-4.1", session: summary("s", requests: 4, input: 12_000, output: 345, cost: 0.0042),
            today: summary("d", requests: 40, input: 1_200_000, output: 9_000, cost: 3.1))
        #expect(line == "openai/gpt-4.1 · session 12.3k tokens $0.0042 · today $3.10")
        #expect(UsageText.statusLine(target: "gemini/gemini-2.5-pro", session: nil, today: nil) == "gemini/gemini-2.5-pro")
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1_000, "1k"), (12_345, "12.3k"), (4_560_000, "4.6M")])
    func countsAreCompact(count: Int, text: String) {
        #expect(UsageText.compact(count) == text)
    }

    @Test(arguments: [(0.0, "$0.00"), (0.004, "$0.0040"), (1.006, "$1.01"), (12.5, "$12.50")])
    func dollarsKeepWhatMatters(value: Double, text: String) {
        #expect(UsageText.dollars(value) == text)
    }
}
