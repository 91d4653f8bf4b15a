#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files, which bounds its connections: each client connection is a
/// file, and so is each upstream request. The usual soft limit, 1,024, is far below what a server
/// needs (1,500 idle clients once left the proxy unable to answer anyone), and the hard limit is
/// there to be raised to.
package enum OpenFilesLimit {
    /// The limit in force, raised first to the hard limit (on macOS, to `OPEN_MAX` at most);
    /// `nil` when it cannot be read.
    package static func raiseToHardLimit() -> (before: Int, now: Int)? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        let before = limit.rlim_cur
        #if canImport(Darwin)
        let hard = min(limit.rlim_max, rlim_t(OPEN_MAX))
        #else
        let hard = limit.rlim_max
        #endif
        if before < hard {
            limit.rlim_cur = hard
            if setrlimit(resource, &limit) != 0 { limit.rlim_cur = before }
        }
        return (Int(clamping: before), Int(clamping: limit.rlim_cur))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
