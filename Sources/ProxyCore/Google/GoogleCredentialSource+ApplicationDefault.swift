extension GoogleCredentialSource {
    /// Where gcloud keeps the login of `gcloud auth application-default login`, in its
    /// configuration folder.
    package static let gcloudFileName = "application_default_credentials.json"

    /// Application Default Credentials, found in Google's order: the file named by
    /// `GOOGLE_APPLICATION_CREDENTIALS`, then gcloud's (in `CLOUDSDK_CONFIG`, else
    /// `~/.config/gcloud`), then the metadata server (`GCE_METADATA_HOST`, else
    /// `metadata.google.internal`, as google-auth does). A file that is named or found but
    /// unusable is an error, not a reason to go on to the next.
    ///
    /// - Parameter readFile: a file's text, or nil when there is no such file or it cannot be read.
    package static func applicationDefault(environment: [String: String], readFile: (String) -> String?) throws(ConfigurationError)
        -> GoogleCredentialSource
    {
        /// An empty variable counts as unset.
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let path = value("GOOGLE_APPLICATION_CREDENTIALS") {
            let origin = "GOOGLE_APPLICATION_CREDENTIALS (\(path))"
            guard let text = readFile(path) else {
                throw ConfigurationError(
                    variable: origin,
                    problem: "no such file, or it cannot be read; set it to a service account key file (JSON), or unset it to use gcloud's application default credentials.")
            }
            return try GoogleCredentialSource(json: text, origin: origin)
        }
        if let gcloudFolder = value("CLOUDSDK_CONFIG") ?? value("HOME").map({ $0 + "/.config/gcloud" }) {
            let path = gcloudFolder + "/" + gcloudFileName
            if let text = readFile(path) {
                return try GoogleCredentialSource(json: text, origin: "gcloud's application default credentials (\(path))")
            }
        }
        let host = value("GCE_METADATA_HOST") ?? "metadata.google.internal"
        return .metadataServer(baseURL: host.contains("://") ? host : "http://" + host)
    }
}
