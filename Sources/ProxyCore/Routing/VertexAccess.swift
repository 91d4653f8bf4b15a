/// How a Vertex AI target's requests are authorised.
package enum VertexAccess: Sendable, Equatable {
    /// Google Cloud credentials, a fresh access token per request (`Authorization: Bearer`): the
    /// file named, or Application Default Credentials' order when nil.
    case credentials(file: String?)
    /// Vertex express mode: the target's keys, in `x-goog-api-key`.
    case apiKey
}
