import Hummingbird
import NIOCore

extension ResponseBody {
    /// The body's bytes, read back from a whole response the proxy made (its reply is in memory).
    func collected() async -> [UInt8] {
        let collector = CollectedBody()
        try? await write(collector)
        return collector.bytes
    }
}

/// Gathers what a response body writes.
private final class CollectedBody: ResponseBodyWriter {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws {
        bytes += buffer.readableBytesView
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
