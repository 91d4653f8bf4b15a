import ProxyCore

/// Reads every exchange's record once it has ended. Observers are called on the exchange's task,
/// after the client has its answer: they must not block (hand slow work to a task of their own).
package protocol RequestObserver: Sendable {
    func observe(_ record: RequestRecord)
}

/// The observers every record goes to, in order.
struct RequestObservers: Sendable {
    private let observers: [any RequestObserver]

    init(_ observers: [any RequestObserver]) {
        self.observers = observers
    }

    func observe(_ record: RequestRecord) {
        for observer in observers { observer.observe(record) }
    }
}
