using System.Globalization;
using Gateway.Keys;

namespace Gateway.Limits;

/// <summary>
/// What the rate-limit and spend headers of a response should say after an admit or settle. The limits engine
/// returns it; the HTTP layer writes it (<see cref="Http.LimitHeadersWriter"/>).
/// </summary>
public readonly record struct LimitHeaders(long? RemainingRequests, long? RemainingTokens, decimal? KeySpend)
{
    public const string RemainingRequestsHeader = "x-ratelimit-remaining-requests";
    public const string RemainingTokensHeader = "x-ratelimit-remaining-tokens";
    public const string KeySpendHeader = "x-gateway-key-spend";

    public static LimitHeaders From(CallCharges charges, IReadOnlyList<SubjectUsage> usage)
    {
        long? requests = null, tokens = null;
        decimal? spend = null;
        foreach (var u in usage)
        {
            var limits = charges.LimitsOf(u.Subject);
            if (limits?.Rpm is { } rpm) requests = Math.Min(requests ?? long.MaxValue, Math.Max(0, rpm - u.Requests));
            if (limits?.Tpm is { } tpm) tokens = Math.Min(tokens ?? long.MaxValue, Math.Max(0, tpm - u.TokensUsed - u.TokensReserved));
            if (u.Subject == charges.KeySubject) spend = u.Spend;
        }
        return new LimitHeaders(requests, tokens, spend);
    }

    public IEnumerable<KeyValuePair<string, string>> Pairs()
    {
        if (RemainingRequests is { } r) yield return new(RemainingRequestsHeader, r.ToString(CultureInfo.InvariantCulture));
        if (RemainingTokens is { } t) yield return new(RemainingTokensHeader, t.ToString(CultureInfo.InvariantCulture));
        if (KeySpend is { } s) yield return new(KeySpendHeader, s.ToString(CultureInfo.InvariantCulture));
    }
}
