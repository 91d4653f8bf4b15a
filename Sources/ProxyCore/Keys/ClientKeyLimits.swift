/// What a client key may do: spend up to a budget each period, send so many requests and tokens a
/// minute, use some models. Nil and empty mean no limit.
package struct ClientKeyLimits: Sendable, Equatable {
    package var budgetUSD: Double?
    package var budgetPeriod: BudgetPeriod = .month
    package var requestsPerMinute: Int?
    package var tokensPerMinute: Int?
    /// Patterns of the models it may use (see `ModelAllowList`); empty allows every model.
    package var models: [String] = []

    package init(
        budgetUSD: Double? = nil, budgetPeriod: BudgetPeriod = .month, requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil,
        models: [String] = []
    ) {
        self.budgetUSD = budgetUSD
        self.budgetPeriod = budgetPeriod
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.models = models
    }
}
