extension Usage {
    /// Usage for an upstream that reported none: the prompt's local estimate, and about four
    /// characters per output token. Whole and streamed translations count the same characters,
    /// so that they agree.
    static func estimated(inputTokens: Int, outputCharacters: Int) -> Usage {
        Usage(inputTokens: inputTokens, outputTokens: (outputCharacters + 3) / 4)
    }
}
