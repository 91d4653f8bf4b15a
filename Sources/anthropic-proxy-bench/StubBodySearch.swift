import Foundation
import NIOCore

/// Whether a request body holds a piece of text (the proxy writes compact JSON), looked for in
/// each part of the body as it arrives rather than in the body gathered whole.
///
/// The stub's own cost is in every figure the benchmark takes through the proxy, which waits for
/// it: gathering 4 MB and searching them byte by byte for two needles took the stub 3.0 ms of the
/// request's round trip, reading them alone 0.9. The C library's `memmem` searches each part.
struct StubBodySearch {
    private(set) var found = false
    private let needle: [UInt8]
    /// The end of the parts seen so far, shorter than the needle: where a match may begin that
    /// the next part completes.
    private var carried: [UInt8] = []

    init(_ text: String) {
        needle = Array(text.utf8)
    }

    mutating func scan(_ part: ByteBuffer) {
        guard !found else { return }
        part.withUnsafeReadableBytes { bytes in
            let overlap = min(bytes.count, needle.count - 1)
            found = (carried + bytes.prefix(overlap)).withUnsafeBytes(contains) || contains(bytes)
            carried = Array((carried + bytes.suffix(overlap)).suffix(needle.count - 1))
        }
    }

    private func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
        needle.withUnsafeBytes { Self.memmem(bytes.baseAddress, bytes.count, $0.baseAddress, $0.count) != nil }
    }

    /// `memmem`, looked up at run time: Swift's Glibc module declares it only for `_GNU_SOURCE`.
    private static let memmem = unsafeBitCast(
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memmem")!,
        to: (@convention(c) (UnsafeRawPointer?, Int, UnsafeRawPointer?, Int) -> UnsafeRawPointer?).self)
}
