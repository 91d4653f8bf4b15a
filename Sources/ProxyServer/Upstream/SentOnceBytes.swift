import NIOCore

/// A request body that AsyncHTTPClient copies into the request's own buffer as the request goes
/// out, on the upstream connection's event loop right after its head, and that lets go of its
/// bytes then.
///
/// AsyncHTTPClient keeps a request, body included, until its response ends. A stream lasts
/// minutes, and a translated Claude Code request is 30 KB or more: with a thousand streams open
/// that was 26 MB held for nothing. Given this collection, AsyncHTTPClient holds an empty box.
/// (A body given as a sequence of buffers lets go of its bytes too, but AsyncHTTPClient reads it
/// in a task of its own on Swift's default executor, another thread, which hands each buffer back
/// to the event loop: a 40 KB request waited for those crossings, p50 0.633 ms against 0.555.)
///
/// AsyncHTTPClient takes the bytes of a body up to 4 MB with one `withContiguousStorageIfAvailable`
/// (through `ByteBufferAllocator.buffer(bytes:)`; a larger one in slices, which would find the
/// bytes gone after the first); redirects, which would read them again, are not followed.
struct SentOnceBytes: RandomAccessCollection, Sendable {
    let startIndex = 0
    let endIndex: Int
    private let storage: SentOnceStorage

    init(_ buffer: ByteBuffer) {
        endIndex = buffer.readableBytes
        storage = SentOnceStorage(buffer)
    }

    /// A byte, while the bytes are held; reading one after they were handed over is a mistake.
    subscript(position: Int) -> UInt8 {
        let byte = storage.buffer.withLock { buffer in buffer.flatMap { $0.getInteger(at: $0.readerIndex + position, as: UInt8.self) } }
        guard let byte else { preconditionFailure("SentOnceBytes read after its bytes were handed over") }
        return byte
    }

    /// The bytes, once: they are let go of when `body` returns.
    func withContiguousStorageIfAvailable<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result? {
        guard let buffer = storage.take() else { return nil }
        return try buffer.withUnsafeReadableBytes { try body($0.assumingMemoryBound(to: UInt8.self)) }
    }
}
