import Foundation
import ProxyServer
import Testing

/// Start-up raises the open-files limit as far as the hard limit lets it.
@Suite struct OpenFilesLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardLimit() throws {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        try #require(getrlimit(resource, &limit) == 0)
        // One below the hard limit (not lower: the other tests of this process open files meanwhile).
        limit.rlim_cur = limit.rlim_max - 1
        try #require(setrlimit(resource, &limit) == 0)

        let raised = try #require(OpenFilesLimit.raiseToHardLimit())
        #expect(raised.before == Int(clamping: limit.rlim_max - 1))
        #expect(raised.now == Int(clamping: limit.rlim_max))
        try #require(getrlimit(resource, &limit) == 0)
        #expect(limit.rlim_cur == limit.rlim_max)
    }
}
