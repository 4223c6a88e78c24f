using System.Globalization;
using Gateway.Http;
using Gateway.Keys;
using Gateway.Pipeline;
using Gateway.Pricing;
using Microsoft.Extensions.Logging;

namespace Gateway.Limits;

/// <summary>
/// Admission: checks the limits of the call's subjects (<see cref="CallCharges"/>: a virtual key, its team and user, the
/// key's limits on the model, the end user) and reserves the call's worst case, one store call; the tightest limit
/// wins. Works on the parsed, validated request only; returns what the response headers should say.
/// </summary>
public sealed partial class CallLimiter(IGovernanceStore store, IModelPrices prices, EndUsers endUsers, TimeProvider time, LimitSettings settings, ILogger<CallLimiter> log)
{
    /// <summary>
    /// Admits the call or throws its refusal (429, 400 <c>budget_exceeded</c>, 403 for a blocked end user), with the header
    /// values either way. Null when nothing limits the call (the master key, no limited end user).
    /// </summary>
    /// <param name="model">The model group the call goes to (a key's alias already resolved).</param>
    public async ValueTask<Admission?> AdmitAsync(KeyGrant? grant, CallKind kind, IModelRequest request, string model, int bodyBytes)
    {
        var mode = EnforcementOf(grant);
        var charges = CallCharges.For(grant, model, await endUsers.ChargeForAsync(request.EndUser, CancellationToken.None), mode == BudgetEnforcement.Soft, settings.ProxyBudget);
        if (charges.IsEmpty) return null;
        var price = prices.For(model);
        if (!price.IsPriced) CheckUnpriced(charges, model);
        var estimate = CallEstimate.For(kind, request, bodyBytes, price);
        int? capped = null;
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var admit = new AdmitRequest("res_" + Guid.CreateVersion7().ToString("N"), charges.Subjects, estimate.CostNanos, estimate.Tokens, now, now + settings.ReservationTtl);
            var result = await store.AdmitAsync(admit, CancellationToken.None);
            var headers = LimitHeaders.From(charges, result.Usage);
            if (result.Admitted) return new Admission(new CallBudget(store, admit, time, log, charges), headers) 
            {
                CappedOutputTokens = capped,
                OutputLimit = mode == BudgetEnforcement.Cap && estimate.OutputTokens > 0 ? estimate.OutputTokens : null,
            };
            // Cap mode: the store refused on a fresh read of the subject's counter; lower the output to what that subject
            // has left and try again. Each try reserves a fixed amount the store checks atomically, so the cap is as exact
            // as a reservation; the amount only goes down, and stops at one token per choice.
            if (mode != BudgetEnforcement.Cap || result.Refused != LimitKind.Budget || attempt == MaxCapAttempts
                || charges.LimitsOf(result.RefusedSubject ?? "")?.MaxBudget is not { } budget
                || estimate.CappedTo(Money.ToNanos(budget) - result.Usage[0].SpendNanos - result.Usage[0].ReservedNanos, price) is not { } lower)
                throw Refusal(result, charges, headers);
            estimate = lower;
            capped = lower.OutputPerChoice;
        }
    }

    /// <summary>Tries of a capped admission before it gives up (each is one more concurrent call that took the room first).</summary>
    private const int MaxCapAttempts = 32;

    /// <summary>The key's <c>budget_enforcement</c>, else its team's, else the gateway's.</summary>
    private BudgetEnforcement EnforcementOf(KeyGrant? grant) =>
        BudgetEnforcements.TryParse(grant?.Key.BudgetEnforcement ?? grant?.Team?.BudgetEnforcement, out var mode) ? mode : settings.Enforcement;

    /// <summary>An unpriced model books $0, so a budget would never bind on it: <see cref="LimitSettings.UnpricedModels"/>
    /// says whether a budgeted caller is refused (the default), served with a warning, or served silently.</summary>
    private void CheckUnpriced(CallCharges charges, string model)
    {
        var budgeted = charges.Subjects.FirstOrDefault(c => c.Limits.MaxBudget is not null);
        if (budgeted is null || settings.UnpricedModels == UnpricedModelPolicy.Zero) return;
        if (settings.UnpricedModels == UnpricedModelPolicy.Warn)
        {
            LogUnpriced(model, charges.Describe(budgeted.Subject));
            return;
        }
        // 403 like model_not_allowed: the caller may not use this model under its budget, and no retry or body change helps.
        throw new GatewayException(403, "permission_error",
            $"The model '{model}' has no price, so the budget of {charges.Describe(budgeted.Subject)} cannot be enforced on it. " +
            "Price it in the gateway config: model_info.base_model naming a model of the price table (for example gpt-4o), " +
            "or input_cost_per_token and output_cost_per_token (0 for a free local model); " +
            "or set general_settings.unpriced_model_policy to warn or zero to book such calls at $0.",
            "model_not_priced", "model");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model '{Model}' has no price: the call of {Subject}, which has a budget, is booked at $0 (general_settings.unpriced_model_policy: warn)")]
    private partial void LogUnpriced(string model, string subject);

    private static GatewayException Refusal(AdmitResult result, CallCharges charges, LimitHeaders headers)
    {
        var who = charges.Describe(result.RefusedSubject);
        var limits = charges.LimitsOf(result.RefusedSubject ?? "") ?? SubjectLimits.None;
        var retryAfter = result.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var error = result.Refused switch
        {
            // 400 like LiteLLM: SDKs do not retry it, and waiting a few seconds would not help.
            LimitKind.Budget => new GatewayException(400, "budget_exceeded",
                $"Budget has been exceeded for {who}: spend {result.Usage[0].Spend} USD, max budget {limits.MaxBudget} USD" +
                (limits.BudgetDuration is null ? "." : $", resets every {limits.BudgetDuration}."), "budget_exceeded"),
            LimitKind.Rpm => RateLimited($"Rate limit reached for {who}: {limits.Rpm} requests per minute.", "rpm_limit_exceeded", retryAfter),
            LimitKind.Tpm => RateLimited($"Rate limit reached for {who}: {limits.Tpm} tokens per minute (this request may use up to its max_tokens).", "tpm_limit_exceeded", retryAfter),
            _ => RateLimited($"Too many parallel requests for {who}: at most {limits.MaxParallel} at a time.", "parallel_limit_exceeded", retryAfter),
        };
        return error.WithHeaders(headers.Pairs());
    }

    private static GatewayException RateLimited(string message, string code, string retryAfter) =>
        new(429, "rate_limit_error", message, code) { RetryAfter = retryAfter };
}

/// <summary>An admitted call's reservation and the header values after it.</summary>
public sealed record Admission(CallBudget Budget, LimitHeaders Headers)
{
    /// <summary>In <c>cap</c> mode, the output tokens per choice the call was lowered to; null when it was admitted as asked.</summary>
    public int? CappedOutputTokens { get; init; }

    /// <summary>In <c>cap</c> mode, the output tokens (all choices) the reservation pays for; null in the other modes.</summary>
    public long? OutputLimit { get; init; }
}

/// <summary>Settings of the limit checks.</summary>
public sealed record LimitSettings
{
    /// <summary>What a budgeted caller's call to a model without a price gets (<c>general_settings.unpriced_model_policy</c>).</summary>
    public UnpricedModelPolicy UnpricedModels { get; init; }

    /// <summary><c>litellm_settings.max_budget</c> + <c>budget_duration</c>, counted against every call; null: none.</summary>
    public SubjectLimits? ProxyBudget { get; init; }

    /// <summary>How budgets bind calls whose key and team set no <c>budget_enforcement</c> (<c>litellm_settings.budget_enforcement</c>).</summary>
    public BudgetEnforcement Enforcement { get; init; }

    /// <summary>How long a reservation lives without a settle before the sweeper releases it (longer than any call).</summary>
    public TimeSpan ReservationTtl { get; init; } = TimeSpan.FromMinutes(15);
}
