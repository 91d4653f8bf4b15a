import ProxyCore
import Testing

/// Routing by need: which rule picks a request's route, in what order, with which reason, and
/// what never moves.
@Suite struct NeedRouterTests {
    /// OpenAI and DeepSeek reachable; sonnet on gpt-4o (128K window, reads images), haiku on
    /// DeepSeek (reads no images).
    private static let base = [
        "OPENAI_API_KEY": "sk-test", "DEEPSEEK_API_KEY": "sk-deep", "GEMINI_API_KEY": "gm-test", "BIG_MODEL": "openai/gpt-4o",
        "SMALL_MODEL": "deepseek/deepseek-chat",
    ]

    private func router(_ environment: [String: String]) throws -> NeedRouter {
        let configuration = try ProxyConfiguration(environment: Self.base.merging(environment) { $1 })
        return NeedRouter(configuration: configuration, router: ModelRouter(configuration: configuration), catalog: ModelCatalog(configuration: configuration))
    }

    private func refusal(_ router: NeedRouter, _ model: String, _ signals: RouteSignals) -> AnthropicError? {
        do {
            _ = try router.choose(model: model, signals: signals)
            return nil
        } catch {
            return error
        }
    }

    private static let allRoutes = [
        "THINK_MODEL": "openai/o3,gemini/gemini-2.5-pro", "LONG_CONTEXT_MODEL": "gemini/gemini-2.5-pro", "LONG_CONTEXT_THRESHOLD": "60000",
        "WEB_SEARCH_MODEL": "gemini/gemini-2.5-flash", "IMAGE_MODEL": "openai/gpt-4.1",
    ]

    // MARK: - The mapping

    @Test func claudeNamesKeepTheirMappingWhenNoRuleApplies() throws {
        let router = try router(Self.allRoutes)
        let sonnet = try router.choose(model: "claude-sonnet-4-6", signals: RouteSignals())
        #expect(sonnet.route == .default)
        #expect(sonnet.reason == "claude-sonnet-4-6 maps through BIG_MODEL")
        #expect(sonnet.targets.map(\.qualifiedModel) == ["openai/gpt-4o"])
        let haiku = try router.choose(model: "claude-haiku-4-5", signals: RouteSignals())
        #expect(haiku.route == .background)
        #expect(haiku.reason == "claude-haiku-4-5 maps through SMALL_MODEL")
        #expect(haiku.targets.map(\.qualifiedModel) == ["deepseek/deepseek-chat"])
        let named = try router.choose(model: "openai/gpt-4.1-mini", signals: RouteSignals())
        #expect(named.route == .named)
        #expect(named.reason == "the client named openai/gpt-4.1-mini")
    }

    // MARK: - think

    @Test func thinkingGoesToTheThinkModelWithItsFallbacks() throws {
        let choice = try router(Self.allRoutes).choose(model: "claude-opus-4-6", signals: RouteSignals(thinking: "effort high"))
        #expect(choice.route == .think)
        #expect(choice.reason == "effort high")
        #expect(choice.targets.map(\.qualifiedModel) == ["openai/o3", "gemini/gemini-2.5-pro"])
    }

    @Test func withoutAThinkModelThinkingKeepsItsMapping() throws {
        let choice = try router([:]).choose(model: "claude-opus-4-6", signals: RouteSignals(thinking: "thinking enabled"))
        #expect(choice.route == .default)
        #expect(choice.targets.map(\.qualifiedModel) == ["openai/gpt-4o"])
    }

    @Test(arguments: [
        (#"{"thinking": {"type": "enabled", "budget_tokens": 8000}}"#, "thinking enabled (budget 8000 tokens)"),
        (#"{"thinking": {"type": "adaptive"}, "output_config": {"effort": "high"}}"#, "effort high"),
        (#"{"output_config": {"effort": "MAX"}}"#, "effort max"),
        (#"{"output_config": {"effort": "xhigh"}}"#, "effort xhigh"),
        (
            #"{"output_config": {"effort": "low"}, "messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Think.", "output_config": {"effort": "high"}}]}"#,
            "effort high"
        ),
        (
            #"{"output_config": {"effort": "low"}, "messages": [{"role": "system", "content": "Think.", "output_config": {"effort": "high"}}, {"role": "user", "content": "Hi"}]}"#,
            nil
        ),
        (#"{"thinking": {"type": "adaptive"}, "output_config": {"effort": "medium"}}"#, nil),
        (#"{"thinking": {"type": "disabled"}}"#, nil),
        ("{}", nil),
    ] as [(String, String?)])
    func thinkingIsEnabledThinkingOrAHighEffort(json: String, reason: String?) throws {
        #expect(RouteSignals(json: try JSONParser.parse(json), estimatedInputTokens: { 0 }).thinking == reason)
    }

    @Test func claudeCodesDefaultTurnIsNoThinkingTurn() throws {
        // Adaptive thinking at medium effort, as Claude Code sends every turn.
        let signals = RouteSignals(json: try loadClaudeCodeFixture(.firstTurn), estimatedInputTokens: { 0 })
        #expect(signals.thinking == nil)
        #expect(signals.serverToolNeed == nil)
        #expect(signals.carriesImages() == false)
    }

    // MARK: - long_context

    @Test func aRequestOverTheThresholdGoesToTheLongContextModel() throws {
        let router = try router(Self.allRoutes)
        let long = try router.choose(model: "claude-sonnet-4-6", signals: RouteSignals(estimatedInputTokens: { 60_001 }))
        #expect(long.route == .longContext)
        #expect(long.reason == "about 60001 input tokens, over LONG_CONTEXT_THRESHOLD (60000)")
        #expect(long.targets.map(\.qualifiedModel) == ["gemini/gemini-2.5-pro"])
        let atThreshold = try router.choose(model: "claude-sonnet-4-6", signals: RouteSignals(estimatedInputTokens: { 60_000 }))
        #expect(atThreshold.route == .default)
    }

    @Test func theThresholdDefaultsToTheMappedModelsWindow() throws {
        let router = try router(["LONG_CONTEXT_MODEL": "gemini/gemini-2.5-pro"])
        let long = try router.choose(model: "claude-sonnet-4-6", signals: RouteSignals(estimatedInputTokens: { 130_000 }))
        #expect(long.route == .longContext)
        #expect(long.reason == "about 130000 input tokens, over openai/gpt-4o's 128000-token window")
        #expect(try router.choose(model: "claude-sonnet-4-6", signals: RouteSignals(estimatedInputTokens: { 100_000 })).route == .default)
    }

    @Test func aModelOfUnknownWindowWithNoThresholdIsNeverMovedForLength() throws {
        let router = try router(["LONG_CONTEXT_MODEL": "gemini/gemini-2.5-pro", "BIG_MODEL": "openai/my-local-model"])
        #expect(try router.choose(model: "claude-sonnet-4-6", signals: RouteSignals(estimatedInputTokens: { 5_000_000 })).route == .default)
    }

    @Test func theEstimateIsNotWorkedOutWithoutALongContextModel() throws {
        nonisolated(unsafe) var estimates = 0
        let signals = RouteSignals(thinking: "effort high", estimatedInputTokens: {
            estimates += 1
            return 1_000_000
        })
        _ = try router(["THINK_MODEL": "openai/o3"]).choose(model: "claude-sonnet-4-6", signals: signals)
        #expect(estimates == 0)
        _ = try router(["LONG_CONTEXT_MODEL": "gemini/gemini-2.5-pro"]).choose(model: "claude-sonnet-4-6", signals: signals)
        #expect(estimates == 1)
    }

    // MARK: - The order

    @Test func longContextComesBeforeWebSearchAndWebSearchBeforeThink() throws {
        let router = try router(Self.allRoutes)
        let everything = RouteSignals(thinking: "effort high", serverToolNeed: .webSearch, estimatedInputTokens: { 70_000 })
        #expect(try router.choose(model: "claude-sonnet-4-6", signals: everything).route == .longContext)
        var searchAndThink = everything
        searchAndThink.estimatedInputTokens = { 1_000 }
        let search = try router.choose(model: "claude-sonnet-4-6", signals: searchAndThink)
        #expect(search.route == .webSearch)
        #expect(search.reason == "the web search tool")
        #expect(search.targets.map(\.qualifiedModel) == ["gemini/gemini-2.5-flash"])
    }

    // MARK: - Named models

    @Test func aNamedModelIsNeverReroutedForThinkingSearchOrTheThreshold() throws {
        let router = try router(Self.allRoutes)
        let signals = RouteSignals(thinking: "effort high", serverToolNeed: .webSearch, estimatedInputTokens: { 100_000 })
        let choice = try router.choose(model: "gemini/gemini-2.5-flash", signals: signals)
        #expect(choice.route == .named)
        #expect(choice.targets.map(\.qualifiedModel) == ["gemini/gemini-2.5-flash"])
    }

    @Test func aNamedModelMovesToTheLongContextModelWhenItCannotHoldTheRequest() throws {
        let choice = try router(Self.allRoutes).choose(model: "openai/gpt-4o", signals: RouteSignals(estimatedInputTokens: { 200_000 }))
        #expect(choice.route == .longContext)
        #expect(choice.reason == "about 200000 input tokens, over openai/gpt-4o's 128000-token window")
        #expect(choice.targets.map(\.qualifiedModel) == ["gemini/gemini-2.5-pro"])
    }

    @Test func aNamedModelWithNoSearchSendsTheSearchToTheWebSearchModel() throws {
        let choice = try router(Self.allRoutes).choose(model: "deepseek/deepseek-chat", signals: RouteSignals(serverToolNeed: .webSearch))
        #expect(choice.route == .webSearch)
        #expect(choice.reason == "the web search tool, which deepseek/deepseek-chat cannot run")
        #expect(choice.targets.map(\.qualifiedModel) == ["gemini/gemini-2.5-flash"])
    }

    // MARK: - Images

    @Test func anImageForAModelThatCannotReadItGoesToTheImageModel() throws {
        nonisolated(unsafe) var looked = 0
        let signals = RouteSignals(carriesImages: {
            looked += 1
            return true
        })
        let router = try router(Self.allRoutes)
        let image = try router.choose(model: "claude-haiku-4-5", signals: signals)
        #expect(image.route == .image)
        #expect(image.reason == "an image or PDF, which deepseek/deepseek-chat cannot read")
        #expect(image.targets.map(\.qualifiedModel) == ["openai/gpt-4.1"])
        #expect(looked == 1)
        // gpt-4o reads images: the request is not even looked through.
        #expect(try router.choose(model: "claude-sonnet-4-6", signals: signals).route == .default)
        #expect(looked == 1)
    }

    @Test func withoutAnImageModelAnImageForABlindModelIsA400NamingIt() throws {
        let error = try #require(refusal(try router([:]), "claude-haiku-4-5", RouteSignals(carriesImages: { true })))
        #expect(error.status == 400)
        #expect(error.kind == .invalidRequest)
        #expect(error.message.contains("deepseek/deepseek-chat cannot read them"))
        #expect(error.message.contains("set IMAGE_MODEL to a model that reads images"))
        // Text only: served as mapped.
        #expect(try router([:]).choose(model: "claude-haiku-4-5", signals: RouteSignals()).route == .background)
    }

    @Test func aNamedBlindModelIsNotReroutedForAnImage() throws {
        let error = try #require(refusal(try router(Self.allRoutes), "deepseek/deepseek-chat", RouteSignals(carriesImages: { true })))
        #expect(error.status == 400)
        #expect(error.message.contains("name a model that reads images"))
    }

    @Test func theImageRuleHoldsWhateverRouteWasChosen() throws {
        let router = try router(Self.allRoutes.merging(["THINK_MODEL": "deepseek/deepseek-reasoner"]) { $1 })
        let choice = try router.choose(model: "claude-sonnet-4-6", signals: RouteSignals(thinking: "effort high", carriesImages: { true }))
        #expect(choice.route == .image)
        #expect(choice.reason == "an image or PDF, which deepseek/deepseek-reasoner cannot read")
    }

    @Test func fallbacksThatCannotReadImagesAreLeftOut() throws {
        let router = try router(["BIG_MODEL": "deepseek/deepseek-chat,openai/gpt-4o,openai/gpt-3.5-turbo"])
        let choice = try router.choose(model: "claude-sonnet-4-6", signals: RouteSignals(carriesImages: { true }))
        #expect(choice.route == .default)
        #expect(choice.targets.map(\.qualifiedModel) == ["openai/gpt-4o"])
    }

    @Test func anImageModelThatCannotReadImagesIsA400() throws {
        let error = try #require(refusal(try router(["IMAGE_MODEL": "openai/gpt-3.5-turbo"]), "claude-haiku-4-5", RouteSignals(carriesImages: { true })))
        #expect(error.message == "IMAGE_MODEL (openai/gpt-3.5-turbo) cannot read images either (by the model catalog); set it to a model that does, e.g. gemini/gemini-2.5-flash.")
    }

    @Test func aModelTheCatalogDoesNotKnowIsTrustedWithImages() throws {
        let choice = try router(["IMAGE_MODEL": "openai/gpt-4.1", "SMALL_MODEL": "openai/my-local-model"])
            .choose(model: "claude-haiku-4-5", signals: RouteSignals(carriesImages: { true }))
        #expect(choice.route == .background)
    }

    @Test(arguments: [
        (#"{"messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}}]}]}"#, true),
        (#"{"messages": [{"role": "user", "content": [{"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "AAAA"}}]}]}"#, true),
        (#"{"messages": [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [{"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}]}]}]}"#, true),
        (#"{"messages": [{"role": "user", "content": [{"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"}}]}]}"#, false),
        (#"{"messages": [{"role": "user", "content": "a picture of a cat"}]}"#, false),
    ])
    func imagesArePicturesAndPDFsAnywhereInTheMessages(json: String, carries: Bool) throws {
        #expect(RouteSignals(json: try JSONParser.parse(json), estimatedInputTokens: { 0 }).carriesImages() == carries)
    }

    @Test func webSearchAndFetchAreReadFromTheTools() throws {
        let search = try JSONParser.parse(#"{"tools": [{"type": "web_search_20250305", "name": "web_search"}]}"#)
        let fetch = try JSONParser.parse(#"{"tools": [{"type": "web_search_20250305", "name": "web_search"}, {"type": "web_fetch_20250910", "name": "web_fetch"}]}"#)
        #expect(RouteSignals(json: search, estimatedInputTokens: { 0 }).serverToolNeed == .webSearch)
        #expect(RouteSignals(json: fetch, estimatedInputTokens: { 0 }).serverToolNeed == .webFetch)
    }
}
