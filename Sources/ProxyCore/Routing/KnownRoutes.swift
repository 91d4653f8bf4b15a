/// Routes already worked out, by the model name asked for, refusals included. Routing is a pure
/// function of the configuration and the name, and a session asks for the same two or three names
/// on every request; working one out (lower-casing, splitting, catalog look-ups) cost ~20 µs a
/// request.
typealias KnownRoutes = BoundedCache<Result<[RouteTarget], AnthropicError>>

extension BoundedCache where Value == Result<[RouteTarget], AnthropicError> {
    /// More distinct names than this and all are forgotten.
    static var capacity: Int { 256 }

    convenience init() {
        self.init(capacity: Self.capacity)
    }

    func routes(for name: String) -> Value? {
        value(for: name)
    }
}
