/// Sees a stream's bytes before the client does (see `StreamSink.tapped(by:)`), and may hold some
/// back, for its owner to write once it has done what must come first.
protocol StreamSinkTap: Sendable {
    /// Takes in bytes about to be written; true when they are held back, not written.
    func holdsBack(_ bytes: [UInt8]) -> Bool
}
