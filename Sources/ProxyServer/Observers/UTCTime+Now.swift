#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ProxyCore

extension UTCTime {
    /// The wall clock's time now.
    package static var now: UTCTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UTCTime(millisecondsSince1970: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }
}
