/// The entries of a cache bounded by what they cost (bytes), each with its last use: when a keep
/// takes them over the bound, the least recently used go until a quarter of it is free, so that a
/// full cache does not sort its entries on every keep. Not locked: its owner holds it in a `Mutex`.
package struct RecencyBoundedEntries<Key: Hashable, Value> {
    private struct Entry {
        var value: Value
        var cost: Int
        var lastUse: UInt64
    }

    private var entries: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    /// What the entries cost together.
    package private(set) var cost = 0
    package let maximumCost: Int

    package init(maximumCost: Int) {
        self.maximumCost = maximumCost
    }

    package var count: Int { entries.count }

    /// The value under `key`, marked used, when `accepted` takes it.
    package mutating func use(_ key: Key, if accepted: (Value) -> Bool = { _ in true }) -> Value? {
        guard var entry = entries[key], accepted(entry.value) else { return nil }
        clock += 1
        entry.lastUse = clock
        entries[key] = entry
        return entry.value
    }

    /// Keeps `value` under `key` in place of any there, as used now; evicts only when asked.
    package mutating func keep(_ value: Value, cost: Int, for key: Key) {
        clock += 1
        self.cost += cost - (entries[key]?.cost ?? 0)
        entries[key] = Entry(value: value, cost: cost, lastUse: clock)
    }

    /// Takes the entry under `key` out, with what it cost.
    @discardableResult
    package mutating func remove(_ key: Key) -> (value: Value, cost: Int)? {
        guard let entry = entries.removeValue(forKey: key) else { return nil }
        cost -= entry.cost
        return (entry.value, entry.cost)
    }

    /// When over the bound, drops the least recently used entries until a quarter of it is free,
    /// but never the most recently used: an entry kept just now that costs more than three
    /// quarters of the bound stays, alone. Sorts the entries' keys and last uses alone: sorting
    /// the entries themselves copied every value (retaining and releasing the strings and arrays
    /// each holds), about 1% of a 1 MB late turn's CPU time.
    package mutating func evictIfOver() {
        guard cost > maximumCost else { return }
        let byUse = entries.map { (key: $0.key, lastUse: $0.value.lastUse) }.sorted { $0.lastUse < $1.lastUse }
        for (evicted, _) in byUse.dropLast() {
            cost -= entries.removeValue(forKey: evicted)?.cost ?? 0
            if cost <= maximumCost - maximumCost / 4 { break }
        }
    }
}
