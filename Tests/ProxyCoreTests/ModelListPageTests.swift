import Testing

@testable import ProxyCore

struct ModelListPageTests {
    private let ids = (1...5).map { "m\($0)" }

    private func page(limit: String? = nil, after: String? = nil, before: String? = nil) throws(AnthropicError) -> ([String], Bool) {
        let page = try ModelListPage(ids, id: { $0 }, limit: limit, afterID: after, beforeID: before)
        return (page.entries, page.hasMore)
    }

    @Test func theFirstPageHoldsTwentyByDefault() throws {
        #expect(try page() == (ids, false))
    }

    @Test func pagesFollowEachOtherWithAfterID() throws {
        #expect(try page(limit: "2") == (["m1", "m2"], true))
        #expect(try page(limit: "2", after: "m2") == (["m3", "m4"], true))
        #expect(try page(limit: "2", after: "m4") == (["m5"], false))
    }

    @Test func beforeIDReadsBackwards() throws {
        #expect(try page(limit: "2", before: "m5") == (["m3", "m4"], true))
        #expect(try page(limit: "2", before: "m3") == (["m1", "m2"], false))
    }

    @Test(arguments: [
        (Optional("0"), String?.none, String?.none, "limit: must be a whole number from 1 to 1000, not '0'"),
        ("abc", nil, nil, "limit: must be a whole number from 1 to 1000, not 'abc'"),
        (nil, "m1", "m3", "after_id and before_id cannot be used together; give one of them"),
        (nil, "nope", nil, "after_id: no model 'nope' is in the list; use an id from an earlier page"),
    ])
    func badCursorsAndLimitsAre400s(limit: String?, after: String?, before: String?, message: String) {
        #expect(throws: AnthropicError.invalidRequest(message)) { try page(limit: limit, after: after, before: before) }
    }
}
