import NIOCore
import Synchronization

/// A request body that lets go of its bytes once they are handed over for sending.
///
/// AsyncHTTPClient keeps a request, body included, until its response ends. A stream lasts
/// minutes, and a translated Claude Code request is 30 KB or more: with a thousand streams open
/// that was 26 MB held for nothing. Given this sequence, AsyncHTTPClient holds an empty box.
/// For a large body: a smaller one goes as `SentOnceBytes`, without the task that reads this.
struct SentOnceBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    fileprivate final class Storage: Sendable {
        let buffer: Mutex<ByteBuffer?>

        init(_ buffer: ByteBuffer) {
            self.buffer = Mutex(buffer)
        }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        private let storage: Storage

        fileprivate init(storage: Storage) {
            self.storage = storage
        }

        mutating func next() async -> ByteBuffer? {
            storage.buffer.withLock { buffer in
                defer { buffer = nil }
                return buffer
            }
        }
    }

    private let storage: Storage

    init(_ buffer: ByteBuffer) {
        storage = Storage(buffer)
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(storage: storage)
    }
}
