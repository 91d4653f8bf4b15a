extension ProxyConfiguration {
    /// Whether any setting sends requests to Vertex AI (a `vertex/` model, `USE_VERTEX_AUTH`, a
    /// credentials file).
    package var usesVertex: Bool {
        let models = [bigModel, smallModel, opusModel, webSearchModel, thinkModel, longContextModel, imageModel].compactMap { $0 }
        return useVertexForGemini || vertex.credentialsFile != nil || models.contains { $0.lowercased().contains("vertex/") }
    }
}
