import ProxyCore
import Testing

/// The connection cap fits the open-files limit: two files a connection, and a reserve.
@Suite struct ConnectionCapacityTests {
    @Test func aHighLimitLeavesTheConfiguredCap() {
        #expect(ConnectionCapacity.maximumConnections(configured: 4096, openFilesLimit: 1_048_576) == 4096)
        #expect(ConnectionCapacity.maximumConnections(configured: 4096, openFilesLimit: nil) == 4096)
    }

    @Test func aLowLimitLowersTheCapToWhatItHolds() {
        // The default soft limit, where 1,500 idle connections once left the proxy unable to answer.
        #expect(ConnectionCapacity.maximumConnections(configured: 4096, openFilesLimit: 1024) == (1024 - 64) / 2)
        #expect(ConnectionCapacity.maximumConnections(configured: 100, openFilesLimit: 1024) == 100)
    }

    @Test func evenATinyLimitAdmitsOneConnection() {
        #expect(ConnectionCapacity.maximumConnections(configured: 4096, openFilesLimit: 20) == 1)
    }
}
