/// How many client connections the proxy holds open at most: `MAX_CONNECTIONS`, or fewer when the
/// process's open-files limit could not hold them. Past that limit the proxy cannot accept a
/// connection nor open an upstream one, and stops answering anyone; a connection over the cap gets
/// a 503 instead.
package enum ConnectionCapacity {
    /// Files kept for everything but connections: the listening socket, the database, the
    /// configuration files, standard streams.
    package static let reservedFiles = 64

    /// The most client connections to hold: each may need two files, itself and the upstream
    /// request it waits on.
    /// - Parameter openFilesLimit: the limit in force; `nil` when it could not be read.
    package static func maximumConnections(configured: Int, openFilesLimit: Int?) -> Int {
        guard let openFilesLimit else { return configured }
        return max(1, min(configured, (openFilesLimit - reservedFiles) / 2))
    }
}
