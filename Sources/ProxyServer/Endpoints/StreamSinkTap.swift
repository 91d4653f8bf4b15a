/// Sees a stream's bytes before the client does (see `StreamSink.tapped(by:)`), and decides what
/// the client gets in their place: the same bytes, none (held back, for its owner to write once it
/// has done what must come first), or others.
protocol StreamSinkTap: Sendable {
    /// Takes in bytes about to be written; returns the bytes to write instead.
    func pass(_ bytes: [UInt8]) -> [UInt8]
}
