/// Where Vertex AI requests go and how they are authorised: the settings' (`VERTEX_PROJECT`,
/// `VERTEX_LOCATION`, `VERTEX_API_KEY`, `GOOGLE_APPLICATION_CREDENTIALS`, `VERTEX_BASE_URL`), or a
/// channel's (`CHANNEL_<NAME>_PROVIDER=vertex` with its own project, location, key or credentials).
package struct VertexSettings: Sendable, Equatable {
    package var project: String?
    /// `us-central1`, `europe-west4`, or `global` (the newest models are often there first).
    package var location: String
    /// Express mode's keys: with one, requests go to the global endpoint without project or credentials.
    package var apiKeys: [String]
    /// A service account or authorized user file; nil: Application Default Credentials' order.
    package var credentialsFile: String?
    /// The API root over the location's (`https://{location}-aiplatform.googleapis.com/v1`).
    package var baseURL: String?
    /// The settings named in errors: the key's and the project's.
    package var keyVariable: String
    package var projectVariable: String

    package init(
        project: String?, location: String, apiKeys: [String] = [], credentialsFile: String? = nil, baseURL: String? = nil,
        keyVariable: String = "VERTEX_API_KEY", projectVariable: String = "VERTEX_PROJECT"
    ) {
        self.project = project
        self.location = location
        self.apiKeys = apiKeys
        self.credentialsFile = credentialsFile
        self.baseURL = baseURL
        self.keyVariable = keyVariable
        self.projectVariable = projectVariable
    }

    /// The resource root a model's path hangs off (`…/v1/projects/p/locations/l`, or express
    /// mode's `…/v1`), and how requests are authorised.
    func endpoint() throws(AnthropicError) -> (baseURL: String, access: VertexAccess) {
        if !apiKeys.isEmpty { return (baseURL ?? "https://aiplatform.googleapis.com/v1", .apiKey) }
        guard let project, !project.isEmpty else {
            throw AnthropicError(
                .authentication,
                "Vertex AI needs a Google Cloud project: set \(projectVariable) (with Google Cloud credentials), or \(keyVariable) for express mode.")
        }
        let root = baseURL ?? (location == "global" ? "https://aiplatform.googleapis.com/v1" : "https://\(location)-aiplatform.googleapis.com/v1")
        return ("\(root)/projects/\(project)/locations/\(location)", .credentials(file: credentialsFile))
    }
}
