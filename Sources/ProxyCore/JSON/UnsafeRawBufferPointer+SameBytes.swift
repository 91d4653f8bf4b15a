#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UnsafeRawBufferPointer {
    /// Whether `other` holds the same bytes: the same memory at once, else the C library's
    /// `memcmp`, vectorised for the machine (a later turn compares a megabyte of kept messages
    /// with the request's; in a profile of such turns `memcmp` took a quarter less time than the
    /// loop over 32-byte words it replaced).
    func hasSameBytes(as other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        guard count > 0, let mine = baseAddress, let theirs = other.baseAddress, mine != theirs else { return true }
        return memcmp(mine, theirs, count) == 0
    }
}
