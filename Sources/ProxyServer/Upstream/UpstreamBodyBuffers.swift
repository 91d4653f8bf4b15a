import NIOCore
import ProxyCore
import Synchronization

/// The last upstream body of recent conversations, each in the buffer it was sent from, so that
/// the next turn's body is written into that buffer after the part the two share, instead of
/// being copied whole into a new one.
///
/// A later turn's body (`WrittenJSON`) is mostly the pieces the turn before's was: the kept
/// translations of the conversation's messages, the very same arrays. Copying them into the
/// request's buffer was 8% of a 4 MB OpenAI turn's CPU time. Here the new body is compared with
/// the last one piece by piece (a kept translation by identity, which holding the last body's
/// pieces makes safe: an array still held is never another's; what is written anew each turn, the
/// request's head, by its bytes), the buffer is cut after the last shared piece and the rest
/// written after it. A buffer still held elsewhere (the request before still being sent) is
/// copied first by `ByteBuffer` itself, so a body being sent never changes.
///
/// Bounded by bytes, each conversation costing its buffer's room (its pieces are the caches' own
/// translations; one they let go of stays until the body goes, at most as much again); see
/// `keep(_:goingOn:)` for who has room. A conversation is known by its first two messages' kept
/// translations.
final class UpstreamBodyBuffers: Sendable {
    private struct Kept: Sendable {
        var key: Int
        var pieces: [[UInt8]]
        var buffer: ByteBuffer
        var lastUse: ContinuousClock.Instant
    }

    /// The bodies kept: a smaller one is copied whole in microseconds, less than keeping it costs.
    static let threshold = BulkWorkExecutor.threshold

    /// How long a conversation's body is kept from newcomers after its last turn.
    static let idleAfter = Duration.seconds(60)

    /// The shortest piece a key is made of. Shorter ones are separators, and the opening and
    /// closing Gemini writes around each content: the same static arrays in every body, so that
    /// with them every Gemini conversation opening with the same prompt had one key, and took the
    /// others' buffer turn after turn. A message this short is passed over for the next.
    static let keyPieceMinimum = 64

    let maximumBytes: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    /// A few dozen at most (16 MB of buffers of 512 KB or more): searched in turn.
    private let bodies = Mutex<[Kept]>([])

    init(maximumBytes: Int, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.maximumBytes = maximumBytes
        self.now = now
    }

    /// The buffer for `json`: the last one of its conversation written on from where the two
    /// differ, or a new one.
    func buffer(for json: WrittenJSON) -> ByteBuffer {
        guard json.count >= Self.threshold, let key = Self.key(json.pieces) else { return ByteBuffer(json) }
        var buffer: ByteBuffer
        var sharedPieces = 0
        var goingOn = false
        if var kept = bodies.withLock({ bodies in bodies.firstIndex { $0.key == key }.map { bodies.remove(at: $0) } }) {
            goingOn = true
            // Moved out, so that no second reference makes `ByteBuffer` copy it before writing.
            buffer = kept.buffer
            kept.buffer = ByteBuffer()
            var sharedBytes = 0
            while sharedPieces < min(json.pieces.count, kept.pieces.count),
                Self.isSame(json.pieces[sharedPieces], kept.pieces[sharedPieces], isHead: sharedPieces == 0)
            {
                sharedBytes += json.pieces[sharedPieces].count
                sharedPieces += 1
            }
            buffer.moveWriterIndex(to: buffer.readerIndex + sharedBytes)
            buffer.reserveCapacity(minimumWritableBytes: json.count - sharedBytes)
        } else {
            buffer = ByteBufferAllocator().buffer(capacity: json.count)
        }
        for piece in json.pieces[sharedPieces...] { buffer.writeBytes(piece) }
        keep(Kept(key: key, pieces: json.pieces, buffer: buffer, lastUse: now()), goingOn: goingOn)
        return buffer
    }

    /// Keeps a conversation's body. One going on keeps its room, the least recently used others
    /// going if it grew past the bound; a newcomer takes only free room, or that of conversations
    /// idle for `idleAfter`. More sessions at once than fit (8 of 4 MB, each body in 8 MB) would
    /// otherwise take each other's room turn after turn, each buffer held until another's turn
    /// rather than let go after sending, and none found again: a 40 KB request's p99 beside 8
    /// connections of 4 MB turns went from 13.7 to 16.5 ms.
    private func keep(_ body: Kept, goingOn: Bool) {
        bodies.withLock { bodies in
            if goingOn {
                while !bodies.isEmpty, Self.room(bodies) + body.buffer.capacity > maximumBytes {
                    bodies.remove(at: bodies.indices.min { bodies[$0].lastUse < bodies[$1].lastUse }!)
                }
            } else {
                bodies.removeAll { body.lastUse - $0.lastUse >= Self.idleAfter }
            }
            guard Self.room(bodies) + body.buffer.capacity <= maximumBytes else { return }
            bodies.append(body)
        }
    }

    /// How many conversations' bodies are kept, and their buffers' room, for tests.
    var usage: (bodies: Int, bytes: Int) {
        bodies.withLock { bodies in (bodies.count, Self.room(bodies)) }
    }

    /// The room the kept bodies' buffers take, which the bound counts.
    private static func room(_ bodies: [Kept]) -> Int {
        bodies.reduce(0) { $0 + $1.buffer.capacity }
    }

    /// Whether `piece` is `kept`: the same array, or for the head, written anew each turn, the same bytes.
    private static func isSame(_ piece: [UInt8], _ kept: [UInt8], isHead: Bool) -> Bool {
        guard piece.count == kept.count else { return false }
        if isHead { return piece == kept }
        return piece.withUnsafeBufferPointer { piece in kept.withUnsafeBufferPointer { kept in piece.baseAddress == kept.baseAddress } }
    }

    /// The conversation's key: where its first two messages' kept translations are (between the
    /// head and the tail, pieces of `keyPieceMinimum` bytes or more), which no other arrays can
    /// be while these are held; none for a body written whole or of one message. Sessions often
    /// open with the same first message (Claude Code's first prompt), not with the same two.
    private static func key(_ pieces: [[UInt8]]) -> Int? {
        let messages = pieces.dropFirst().dropLast().lazy.filter { $0.count >= keyPieceMinimum }.prefix(2)
        guard messages.count == 2 else { return nil }
        var hasher = Hasher()
        for message in messages { message.withUnsafeBufferPointer { hasher.combine(Int(bitPattern: $0.baseAddress)) } }
        return hasher.finalize()
    }
}
