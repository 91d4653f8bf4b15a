import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the connection a request arrived on, so that its exchange can
/// be cancelled when that connection's client leaves (see `ClientConnections`).
struct ProxyRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// The client key the request came with, by name (see `ClientAuthenticationMiddleware`).
    var clientKeyName: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
