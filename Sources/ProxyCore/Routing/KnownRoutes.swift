import Synchronization

/// Routes already worked out, by the model name asked for. Routing is a pure function of the
/// configuration and the name, and a session asks for the same two or three names on every
/// request; working one out (lower-casing, splitting, catalog look-ups) cost ~20 µs a request.
final class KnownRoutes: Sendable {
    /// More distinct names than this and all are forgotten: only a client inventing names gets
    /// there, and it then pays what every request paid before.
    static let capacity = 256

    private let routes = Mutex<[String: Result<[RouteTarget], AnthropicError>]>([:])

    func routes(for name: String) -> Result<[RouteTarget], AnthropicError>? {
        routes.withLock { $0[name] }
    }

    func keep(_ result: Result<[RouteTarget], AnthropicError>, for name: String) {
        routes.withLock { routes in
            if routes.count >= Self.capacity { routes.removeAll(keepingCapacity: true) }
            routes[name] = result
        }
    }

    /// How many names are known, for tests.
    var count: Int { routes.withLock { $0.count } }
}
