/// A JSON object whose members keep the order they were written or added in.
///
/// Objects in API payloads are small, so lookups scan the members; that beats hashing every key of
/// every object while parsing a 50 KB request.
package struct JSONObject: Sendable, Hashable {
    package typealias Member = (key: String, value: JSONValue)

    package private(set) var members: [Member]

    package init(_ members: [Member] = []) {
        self.members = members
    }

    package var isEmpty: Bool { members.isEmpty }
    package var count: Int { members.count }
    package var keys: [String] { members.map(\.key) }

    /// The member's value; setting `nil` removes the member, setting a new key appends it.
    package subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key: key, value: newValue))
            }
        }
    }

    /// Appends a member without looking for an existing one; for builders that know keys are new.
    package mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key: key, value: value))
    }

    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for member in lhs.members {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for key in members.map(\.key).sorted() { hasher.combine(key) }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }
}
