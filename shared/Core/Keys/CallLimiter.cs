using System.Globalization;
using Gateway.Auth;
using Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Keys;

/// <summary>
/// The check before the upstream call, for virtual keys: model access, then one atomic store round trip that checks
/// key, team and user limits and reserves the call's worst case (tightest limit wins). Sets the rate-limit headers.
/// </summary>
public sealed class CallLimiter(IGovernanceStore store, IModelPrices prices, TimeProvider time, LimitSettings settings, ILogger<CallLimiter> log)
{
    public const string RemainingRequestsHeader = "x-ratelimit-remaining-requests";
    public const string RemainingTokensHeader = "x-ratelimit-remaining-tokens";
    public const string KeySpendHeader = "x-gateway-key-spend";

    public async ValueTask<CallBudget?> AdmitAsync(HttpContext ctx, CallerIdentity caller, ReadOnlyMemory<byte> body)
    {
        if (caller.Grant is not { } grant) return null;
        var estimate = CallEstimate.Read(body.Span);
        // No model: the endpoint's own validation answers 400 before any upstream call, so there is nothing to reserve.
        if (estimate.Model is not { } model) return null;
        if (!grant.MayUse(model))
            throw new GatewayException(403, "permission_error", $"This key may not use the model '{model}'.", "model_not_allowed", "model");

        var price = prices.For(model);
        var producesText = !ctx.Request.Path.Value!.EndsWith("/embeddings", StringComparison.Ordinal);
        var output = producesText ? (long)(estimate.MaxOutputTokens ?? price.MaxOutputTokens) * estimate.N : 0;
        var costNanos = Money.ToNanos(price.Cost(estimate.PromptTokens, output));
        var tokens = estimate.PromptTokens + output;
        var now = time.GetUtcNow();
        var request = new AdmitRequest("res_" + Guid.CreateVersion7().ToString("N"), grant.Charges(), costNanos, tokens, now, now + settings.ReservationTtl);
        var result = await store.AdmitAsync(request, CancellationToken.None);
        WriteHeaders(ctx.Response, grant, result.Usage);
        if (!result.Admitted) throw Refusal(result, grant);
        return new CallBudget(store, request, time, log, ctx.Response, grant);
    }

    internal static void WriteHeaders(HttpResponse response, KeyGrant grant, IReadOnlyList<SubjectUsage> usage)
    {
        if (response.HasStarted) return;
        long? requests = null, tokens = null;
        foreach (var u in usage)
        {
            var limits = LimitsOf(grant, u.Subject);
            if (limits?.Rpm is { } rpm) requests = Math.Min(requests ?? long.MaxValue, Math.Max(0, rpm - u.Requests));
            if (limits?.Tpm is { } tpm) tokens = Math.Min(tokens ?? long.MaxValue, Math.Max(0, tpm - u.TokensUsed - u.TokensReserved));
            if (u.Subject == grant.Key.Subject) response.Headers[KeySpendHeader] = u.Spend.ToString(CultureInfo.InvariantCulture);
        }
        if (requests is { } r) response.Headers[RemainingRequestsHeader] = r.ToString(CultureInfo.InvariantCulture);
        if (tokens is { } t) response.Headers[RemainingTokensHeader] = t.ToString(CultureInfo.InvariantCulture);
    }

    private static SubjectLimits? LimitsOf(KeyGrant g, string subject) =>
        subject == g.Key.Subject ? g.Key.Limits : subject == g.Team?.Subject ? g.Team.Limits : subject == g.User?.Subject ? g.User.Limits : null;

    private static GatewayException Refusal(AdmitResult result, KeyGrant grant)
    {
        var who = Describe(result.RefusedSubject, grant);
        var limits = LimitsOf(grant, result.RefusedSubject ?? "") ?? SubjectLimits.None;
        var retryAfter = result.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return result.Refused switch
        {
            // 400 like LiteLLM: SDKs do not retry it, and waiting a few seconds would not help.
            LimitKind.Budget => new GatewayException(400, "budget_exceeded",
                $"Budget has been exceeded for {who}: spend {result.Usage[0].Spend} USD, max budget {limits.MaxBudget} USD" +
                (limits.BudgetDuration is null ? "." : $", resets every {limits.BudgetDuration}."), "budget_exceeded"),
            LimitKind.Rpm => RateLimited($"Rate limit reached for {who}: {limits.Rpm} requests per minute.", "rpm_limit_exceeded", retryAfter),
            LimitKind.Tpm => RateLimited($"Rate limit reached for {who}: {limits.Tpm} tokens per minute (this request may use up to its max_tokens).", "tpm_limit_exceeded", retryAfter),
            _ => RateLimited($"Too many parallel requests for {who}: at most {limits.MaxParallel} at a time.", "parallel_limit_exceeded", retryAfter),
        };
    }

    private static GatewayException RateLimited(string message, string code, string retryAfter) =>
        new(429, "rate_limit_error", message, code) { RetryAfter = retryAfter };

    private static string Describe(string? subject, KeyGrant g) =>
        subject == g.Team?.Subject ? $"team '{g.Team!.TeamId}'" : subject == g.User?.Subject ? $"user '{g.User!.UserId}'" : $"key {g.Key.KeyName ?? "(virtual key)"}";
}

/// <summary>Settings of the limit checks.</summary>
public sealed record LimitSettings
{
    /// <summary>How long a reservation lives without a settle before the sweeper releases it (longer than any call).</summary>
    public TimeSpan ReservationTtl { get; init; } = TimeSpan.FromMinutes(15);
}
