/// A request body as `JSONParser.parseRequest` read it.
package struct ParsedRequest: Sendable {
    package let value: JSONValue
    /// For each element of a top-level `messages` array that the conversations cache parsed, the
    /// place for what later steps make of it (`DerivedValue`).
    package let derivedFromMessages: [DerivedValue]?
    /// The byte range of each top-level member's value, in the order written (none when the
    /// document is not an object): where the passthrough edits the body without reading it again.
    package let memberRanges: [(key: String, range: Range<Int>)]
}
