import NIOCore
import Synchronization

/// The bytes of an upstream request body until they are handed over for sending, then nothing:
/// what `SentOnceBody` and `SentOnceBytes` give AsyncHTTPClient, which keeps the body it is
/// given until the response ends.
final class SentOnceStorage: Sendable {
    let buffer: Mutex<ByteBuffer?>

    init(_ buffer: ByteBuffer) {
        self.buffer = Mutex(buffer)
    }

    /// The bytes, the first time; `nil` after.
    func take() -> ByteBuffer? {
        buffer.withLock { $0.take() }
    }
}
