import NIOCore

/// A whole reply of the stub upstream: its body, encoded once, and what it is.
struct StubReply: Sendable {
    let contentType: String
    let body: ByteBuffer
}
