import Synchronization
import ProxyCore

/// Records a streamed reply as it goes to the client, and holds back the bytes that end it (and
/// any after), so that the reply is kept before the client sees the stream end.
final class ThreadReplyTap: StreamSinkTap {
    private let state = Mutex<(recorder: ThreadReplyRecorder, heldBack: [UInt8])>((ThreadReplyRecorder(), []))

    func pass(_ bytes: [UInt8]) -> [UInt8] {
        state.withLock { state in
            if state.recorder.reply == nil { state.recorder.consume(bytes) }
            guard state.recorder.reply != nil else { return bytes }
            state.heldBack += bytes
            return []
        }
    }

    /// The whole reply, once the stream has said `message_stop`.
    var reply: ThreadReply? { state.withLock { $0.recorder.reply } }
    /// The bytes held back, for the owner to write.
    var heldBack: [UInt8] { state.withLock { $0.heldBack } }
}
