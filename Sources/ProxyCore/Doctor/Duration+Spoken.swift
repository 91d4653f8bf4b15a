extension Duration {
    /// As `doctor`'s lines say a time limit: `3 s`, `500 ms`.
    package var spoken: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
