using System.Globalization;
using Gateway.Http;
using Gateway.Keys;
using Gateway.Pipeline;
using Gateway.Pricing;
using Microsoft.Extensions.Logging;

namespace Gateway.Limits;

/// <summary>
/// Admission for virtual keys: checks key, team and user limits (tightest wins) and reserves the call's worst case,
/// one store call. Works on the parsed, validated request only; returns what the response headers should say.
/// </summary>
public sealed partial class CallLimiter(IGovernanceStore store, IModelPrices prices, TimeProvider time, LimitSettings settings, ILogger<CallLimiter> log)
{
    /// <summary>Admits the call or throws its refusal (429, or 400 <c>budget_exceeded</c>), with the header values either way.</summary>
    public async ValueTask<Admission> AdmitAsync(KeyGrant grant, CallKind kind, IModelRequest request, int bodyBytes)
    {
        var price = prices.For(request.Model);
        if (!price.IsPriced) CheckUnpriced(grant, request.Model);
        var estimate = CallEstimate.For(kind, request, bodyBytes, price);
        var now = time.GetUtcNow();
        var admit = new AdmitRequest("res_" + Guid.CreateVersion7().ToString("N"), grant.Charges(), estimate.CostNanos, estimate.Tokens, now, now + settings.ReservationTtl);
        var result = await store.AdmitAsync(admit, CancellationToken.None);
        var headers = LimitHeaders.From(grant, result.Usage);
        if (!result.Admitted) throw Refusal(result, grant, headers);
        return new Admission(new CallBudget(store, admit, time, log, grant), headers);
    }

    /// <summary>An unpriced model books $0, so a budget would never bind on it: <see cref="LimitSettings.UnpricedModels"/>
    /// says whether a budgeted caller is refused (the default), served with a warning, or served silently.</summary>
    private void CheckUnpriced(KeyGrant grant, string model)
    {
        var budgeted = grant.Charges().FirstOrDefault(c => c.Limits.MaxBudget is not null);
        if (budgeted is null || settings.UnpricedModels == UnpricedModelPolicy.Zero) return;
        if (settings.UnpricedModels == UnpricedModelPolicy.Warn)
        {
            LogUnpriced(model, grant.Describe(budgeted.Subject));
            return;
        }
        // 403 like model_not_allowed: the caller may not use this model under its budget, and no retry or body change helps.
        throw new GatewayException(403, "permission_error",
            $"The model '{model}' has no price, so the budget of {grant.Describe(budgeted.Subject)} cannot be enforced on it. " +
            "Price it in the gateway config: model_info.base_model naming a model of the price table (for example gpt-4o), " +
            "or input_cost_per_token and output_cost_per_token (0 for a free local model); " +
            "or set general_settings.unpriced_model_policy to warn or zero to book such calls at $0.",
            "model_not_priced", "model");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model '{Model}' has no price: the call of {Subject}, which has a budget, is booked at $0 (general_settings.unpriced_model_policy: warn)")]
    private partial void LogUnpriced(string model, string subject);

    private static GatewayException Refusal(AdmitResult result, KeyGrant grant, LimitHeaders headers)
    {
        var who = grant.Describe(result.RefusedSubject);
        var limits = grant.LimitsOf(result.RefusedSubject ?? "") ?? SubjectLimits.None;
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
public sealed record Admission(CallBudget Budget, LimitHeaders Headers);

/// <summary>Settings of the limit checks.</summary>
public sealed record LimitSettings
{
    /// <summary>What a budgeted caller's call to a model without a price gets (<c>general_settings.unpriced_model_policy</c>).</summary>
    public UnpricedModelPolicy UnpricedModels { get; init; }

    /// <summary>How long a reservation lives without a settle before the sweeper releases it (longer than any call).</summary>
    public TimeSpan ReservationTtl { get; init; } = TimeSpan.FromMinutes(15);
}
