/// Chooses a request's route by what it needs, on top of the model mapping.
///
/// A Claude name first maps through its setting (haiku → `SMALL_MODEL`, the background route;
/// sonnet → `BIG_MODEL`; opus → `OPUS_MODEL`). Then the first of these rules that applies, and is
/// configured, picks the route instead:
/// 1. `long_context`: the estimated input is above `LONG_CONTEXT_THRESHOLD` (unset: the mapped
///    model's context window) → `LONG_CONTEXT_MODEL`;
/// 2. `web_search`: the request declares the web search tool → `WEB_SEARCH_MODEL`;
/// 3. `think`: thinking enabled, or effort high or max → `THINK_MODEL`.
///
/// Whatever the route, a request with images or PDFs never goes to a model the catalog says cannot
/// read them: `IMAGE_MODEL` takes it (the `image` route), or it is a 400 naming `IMAGE_MODEL`.
/// A model the client names itself (`openai/o3`) is never rerouted, except to `LONG_CONTEXT_MODEL`
/// when the request is larger than that model's window, and to `WEB_SEARCH_MODEL` when it has no
/// search of its own (see `ServerToolRouting`).
package struct NeedRouter {
    let configuration: ProxyConfiguration
    let router: ModelRouter
    let catalog: ModelCatalog

    package init(configuration: ProxyConfiguration, router: ModelRouter, catalog: ModelCatalog) {
        self.configuration = configuration
        self.router = router
        self.catalog = catalog
    }

    package func choose(model requested: String, signals: RouteSignals) throws(AnthropicError) -> RouteChoice {
        let targets = try router.routes(requested)
        let tier = router.tier(ofRequested: requested)
        var choice: RouteChoice
        switch tier {
        case nil: choice = RouteChoice(route: .named, reason: "the client named \(requested)", targets: targets)
        case .haiku?: choice = RouteChoice(route: .background, reason: "\(requested) maps through \(ClaudeTier.haiku.setting.variable)", targets: targets)
        case let tier?: choice = RouteChoice(route: .default, reason: "\(requested) maps through \(tier.setting.variable)", targets: targets)
        }
        if let longContext = try longContext(for: choice, signals: signals) {
            choice = longContext
        } else if choice.route != .named, let preferred = try preferredRoute(signals) {
            choice = preferred
        }
        choice = try servingServerTools(choice, signals: signals)
        return try readingImages(choice, signals: signals)
    }

    /// `LONG_CONTEXT_MODEL`, when the request is larger than the chosen model holds (or than
    /// `LONG_CONTEXT_THRESHOLD`, for a Claude name).
    private func longContext(for choice: RouteChoice, signals: RouteSignals) throws(AnthropicError) -> RouteChoice? {
        guard let model = configuration.longContextModel else { return nil }
        let first = choice.targets[0]
        let limit: (tokens: Int, name: String)
        if choice.route != .named, let threshold = configuration.longContextThreshold {
            limit = (threshold, "LONG_CONTEXT_THRESHOLD (\(threshold))")
        } else if let window = catalog.profile(for: first.model, preset: first.preset).contextWindow {
            limit = (window, "\(first.qualifiedModel)'s \(window)-token window")
        } else {
            return nil
        }
        let tokens = signals.estimatedInputTokens()
        guard tokens > limit.tokens else { return nil }
        return RouteChoice(
            route: .longContext, reason: "about \(tokens) input tokens, over \(limit.name)", targets: try router.routes(configured: model))
    }

    /// The web search or think route, when the request asks for it and it is configured.
    private func preferredRoute(_ signals: RouteSignals) throws(AnthropicError) -> RouteChoice? {
        if signals.serverToolNeed == .webSearch, let model = configuration.webSearchModel {
            return RouteChoice(route: .webSearch, reason: "the web search tool", targets: try router.routes(configured: model))
        }
        if let thinking = signals.thinking, let model = configuration.thinkModel {
            return RouteChoice(route: .think, reason: thinking, targets: try router.routes(configured: model))
        }
        return nil
    }

    /// The targets that can run the request's web search or fetch (see `ServerToolRouting`); a
    /// first target that cannot search makes it the web search route.
    private func servingServerTools(_ choice: RouteChoice, signals: RouteSignals) throws(AnthropicError) -> RouteChoice {
        guard let need = signals.serverToolNeed else { return choice }
        let routing = ServerToolRouting(need: need, webSearchModel: configuration.webSearchModel, openAIBaseURL: configuration.openAIBaseURL)
        var served = choice
        served.targets = try routing.targets(for: choice.targets) { model throws(AnthropicError) in try router.routes(configured: model) }
        if need == .webSearch, choice.route != .webSearch, !routing.serves(choice.targets[0]) {
            served.route = .webSearch
            served.reason = "the web search tool, which \(choice.targets[0].qualifiedModel) cannot run"
        }
        return served
    }

    /// The choice without the targets that cannot read the request's images, or `IMAGE_MODEL`'s
    /// when none can.
    private func readingImages(_ choice: RouteChoice, signals: RouteSignals) throws(AnthropicError) -> RouteChoice {
        let readers = choice.targets.filter(readsImages)
        guard readers.count < choice.targets.count, signals.carriesImages() else { return choice }
        guard readers.isEmpty else { return RouteChoice(route: choice.route, reason: choice.reason, targets: readers) }
        let blind = choice.targets[0].qualifiedModel
        guard choice.route != .named else {
            throw .invalidRequest(
                "messages: the request holds an image or a PDF, and \(blind) cannot read them (by the model catalog); name a model that reads images, or ask for a Claude model name with IMAGE_MODEL set."
            )
        }
        guard let model = configuration.imageModel else {
            throw .invalidRequest(
                "messages: the request holds an image or a PDF, and \(blind) cannot read them (by the model catalog); set IMAGE_MODEL to a model that reads images (e.g. gemini/gemini-2.5-flash or openai/gpt-4.1) and such requests go there."
            )
        }
        let imageReaders = try router.routes(configured: model).filter(readsImages)
        guard !imageReaders.isEmpty else {
            throw .invalidRequest("IMAGE_MODEL (\(model)) cannot read images either (by the model catalog); set it to a model that does, e.g. gemini/gemini-2.5-flash.")
        }
        return RouteChoice(route: .image, reason: "an image or PDF, which \(blind) cannot read", targets: imageReaders)
    }

    /// False only for a model the catalog knows cannot read images.
    private func readsImages(_ target: RouteTarget) -> Bool {
        catalog.profile(for: target.model, preset: target.preset).readsImages != false
    }
}
