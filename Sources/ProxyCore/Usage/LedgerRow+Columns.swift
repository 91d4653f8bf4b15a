/// A row the stores read back: its columns' values by name.
extension Dictionary where Key == String, Value == LedgerRow.Value {
    /// The named column's text, nil when it is NULL or not text.
    package func text(_ name: String) -> String? {
        if case .text(let text)? = self[name] { return text }
        return nil
    }

    /// The named column's whole number, nil when it is NULL or not one.
    package func integer(_ name: String) -> Int? {
        if case .integer(let number)? = self[name] { return Int(number) }
        return nil
    }

    /// The named column's number, whole or not (SQLite keeps a whole `REAL` as an integer).
    package func real(_ name: String) -> Double? {
        switch self[name] {
        case .real(let number)?: number
        case .integer(let number)?: Double(number)
        default: nil
        }
    }
}
