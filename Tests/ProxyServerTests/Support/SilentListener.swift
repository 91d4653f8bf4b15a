import Foundation

/// A port on 127.0.0.1 that takes connections (the kernel completes them) and never answers on
/// them: an upstream that hangs. Closed when the test lets go of it.
final class SilentListener: Sendable {
    let port: Int
    private let socket: Int32

    /// - Parameter listening: false holds the port without listening: connections are refused, and
    ///   no other server (a proxy on a port of the system's choice) can take it meanwhile.
    init(listening: Bool = true) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && (!listening || listen(socket, 16) == 0) && getsockname(socket, $0, &length) == 0
            }
        }
        guard listening else {
            close(socket)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.socket = socket
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(socket)
    }
}
