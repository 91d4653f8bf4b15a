import NIOCore

/// A request body that lets go of its bytes once they are handed over for sending.
///
/// AsyncHTTPClient keeps a request, body included, until its response ends. A stream lasts
/// minutes, and a translated Claude Code request is 30 KB or more: with a thousand streams open
/// that was 26 MB held for nothing. Given this sequence, AsyncHTTPClient holds an empty box.
/// For a large body: a smaller one goes as `SentOnceBytes`, without the task that reads this.
struct SentOnceBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let storage: SentOnceStorage

        mutating func next() async -> ByteBuffer? {
            storage.take()
        }
    }

    private let storage: SentOnceStorage

    init(_ buffer: ByteBuffer) {
        storage = SentOnceStorage(buffer)
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(storage: storage)
    }
}
