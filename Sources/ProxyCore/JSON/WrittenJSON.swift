/// Compact JSON held as pieces that follow one another, as a request body is sent.
///
/// A late session's upstream body is mostly its messages' translations kept from earlier turns:
/// they stay the arrays they were kept in, and the server copies each into its buffer once,
/// instead of their being copied into one array first and that array into the buffer again
/// (a 4 MB turn's body was copied twice).
package struct WrittenJSON: Sendable {
    package private(set) var pieces: [[UInt8]] = []
    /// The bytes in all the pieces.
    package private(set) var count = 0

    package init(_ bytes: [UInt8] = []) {
        append(bytes)
    }

    package mutating func append(_ piece: [UInt8]) {
        guard !piece.isEmpty else { return }
        pieces.append(piece)
        count += piece.count
    }

    /// The pieces in one array, for what needs them so (`ProviderAdapter.requestBody()`, tests).
    package var bytes: [UInt8] {
        guard pieces.count > 1 else { return pieces.first ?? [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for piece in pieces { bytes += piece }
        return bytes
    }
}
