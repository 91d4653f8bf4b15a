extension RouteTarget {
    /// `openai/gpt-4.1`, `openai/gpt-4.1:channel`, `deepseek/deepseek-chat`: what the
    /// `x-proxy-upstream-model` header and the request record say.
    package var qualifiedModel: String {
        let prefix = vertex != nil ? "vertex" : channel == nil ? preset?.name ?? provider.rawValue : provider.rawValue
        return "\(prefix)/\(model)" + (channel.map { ":\($0)" } ?? "")
    }

    /// Where a Chat Completions request for this target goes.
    package var chatCompletionsURL: String {
        guard preset?.addressing == .azureDeployments else { return baseURL + "/chat/completions" }
        return "\(azureRoot)/deployments/\(model.percentEncoded)/chat/completions\(azureQuery)"
    }

    /// Where a Responses API request for this target goes (Azure names the deployment in the body).
    package var responsesURL: String {
        guard preset?.addressing == .azureDeployments else { return baseURL + "/responses" }
        return "\(azureRoot)/responses\(azureQuery)"
    }

    /// Where the list of the models this target's upstream serves is: `{root}/models` for the
    /// OpenAI protocols (Azure's lists base models, not deployments) and Gemini (the whole list in
    /// one page), Anthropic's `{root}/v1/models`.
    package var modelsURL: String {
        switch provider {
        case .gemini: return baseURL + "/models?pageSize=1000"
        case .anthropic: return baseURL + "/v1/models?limit=1000"
        case .openAI, .openAIResponses:
            guard preset?.addressing == .azureDeployments else { return baseURL + "/models" }
            return "\(azureRoot)/models\(azureQuery)"
        }
    }

    /// The header that carries `key`: `Authorization: Bearer`, or Azure's `api-key`.
    package func keyHeader(_ key: String) -> (name: String, value: String) {
        preset?.keyHeader == .apiKey ? ("api-key", key) : ("authorization", "Bearer \(key)")
    }

    /// `AZURE_API_BASE` may be the resource (`https://x.openai.azure.com`) or its `/openai` path.
    private var azureRoot: String {
        baseURL.lowercased().hasSuffix("/openai") ? baseURL : baseURL + "/openai"
    }

    private var azureQuery: String {
        "?api-version=\((apiVersion ?? ProviderPreset.defaultAzureAPIVersion).percentEncoded)"
    }
}
