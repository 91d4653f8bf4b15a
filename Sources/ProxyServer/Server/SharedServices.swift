import Logging
import ProxyCore

/// What lives as long as the server, whatever the configuration: key rings, client connections,
/// the cache of resent request members, logging and the record observers.
final class SharedServices: Sendable {
    let live: LiveConfiguration
    let keys = UpstreamKeys()
    let connections = ClientConnections()
    /// The tool definitions and system prompts clients resend every turn, parsed once.
    let requestFragments = JSONFragmentCache(memberNames: ["tools", "system"])
    let logger: Logger
    /// Every exchange's record goes to these once it has ended.
    let observers: RequestObservers

    /// - Parameter observers: read every record after the access log.
    init(live: LiveConfiguration, logger: Logger, observers: [any RequestObserver]) {
        self.live = live
        self.logger = logger
        self.observers = RequestObservers([AccessLog(logger: logger)] + observers)
    }

    /// The services a request works with from start to end: these, and the configuration as it
    /// is when the request starts.
    func forRequest() -> ProxyServices {
        ProxyServices(snapshot: live.snapshot, shared: self)
    }
}
