/// Why a reply was declined: `stop_details` beside `stop_reason: "refusal"`. Anthropic names a
/// policy category; a translated upstream has none of Anthropic's categories, and its
/// explanation says what the upstream reported (a content filter, a finish reason, a refusal).
package struct RefusalDetails: Sendable, Equatable {
    package var category: String?
    package var explanation: String?

    package init(category: String? = nil, explanation: String?) {
        self.category = category
        self.explanation = explanation
    }

    /// A model's own refusal (OpenAI's `refusal` field or part), whose words are the reply's text.
    package static let modelsOwnRefusal = RefusalDetails(explanation: "The model declined; its refusal is the reply's text.")

    /// An OpenAI-style content filter that withheld the answer, as `field` reported it.
    package static func contentFilter(reportedIn field: String) -> RefusalDetails {
        RefusalDetails(explanation: "The upstream's content filter withheld the answer (\(field) content_filter).")
    }

    package init?(json: JSONValue?) {
        guard let json, json["type"] == "refusal" else { return nil }
        self.init(category: json["category"]?.stringValue, explanation: json["explanation"]?.stringValue)
    }

    package var json: JSONValue {
        ["type": "refusal", "category": category.map(JSONValue.string) ?? .null, "explanation": explanation.map(JSONValue.string) ?? .null]
    }
}
