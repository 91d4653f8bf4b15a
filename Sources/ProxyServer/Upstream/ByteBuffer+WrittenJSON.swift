import NIOCore
import ProxyCore

extension ByteBuffer {
    /// A buffer of exactly the written JSON's bytes, each piece copied in once.
    init(_ json: WrittenJSON) {
        self = ByteBufferAllocator().buffer(capacity: json.count)
        for piece in json.pieces { writeBytes(piece) }
    }
}
