using Gateway.Chat;

namespace Gateway.Pricing;

/// <summary>
/// Prices one call's <see cref="TokenUsage"/>. Every translator normalises usage to OpenAI's meaning:
/// <see cref="TokenUsage.PromptTokens"/> includes the cache-read and cache-write tokens (1-hour writes among the
/// writes), and <see cref="TokenUsage.CompletionTokens"/> includes the reasoning tokens; so each part is taken out of
/// its total before the rest is charged at the plain rate. A call whose prompt is over the model's long-context
/// threshold is charged at the tier's rates throughout, as the providers bill it.
/// </summary>
public static class CostCalculator
{
    /// <param name="duration">How long the call took; prices the sides a per-second rate covers (zero when unknown).</param>
    public static CostBreakdown Price(ModelRates rates, TokenUsage usage, int images = 0, TimeSpan duration = default)
    {
        var request = rates.PerRequest;
        var imageCost = Math.Max(0, images) * rates.PerImage;
        var tier = rates.LongContext is { } lc && usage.PromptTokens > lc.AboveTokens ? lc : null;

        if (rates.IsEmbedding)
        {
            // Embeddings bill input only; some upstreams report just total_tokens.
            var tokens = usage.PromptTokens > 0 ? usage.PromptTokens : Math.Max(0, usage.TotalTokens);
            var input = rates.InputPerSecond is { } perSecond ? perSecond * (decimal)Math.Max(0, duration.TotalSeconds) : tokens * (tier?.InputPerToken ?? rates.InputPerToken);
            return new CostBreakdown(input, 0, 0, 0, 0, request, imageCost);
        }

        var cached = Math.Max(0, usage.CachedTokens);
        var written = Math.Max(0, usage.CacheWriteTokens);
        var writtenFor1h = Math.Clamp(usage.CacheWrite1hTokens, 0, written);
        var reasoning = Math.Max(0, usage.ReasoningTokens);
        var plainInput = Math.Max(0L, (long)usage.PromptTokens - cached - written);
        var plainOutput = Math.Max(0L, (long)usage.CompletionTokens - reasoning);

        var seconds = (decimal)Math.Max(0, duration.TotalSeconds);
        if (rates.InputPerSecond is not null) (plainInput, cached, written, writtenFor1h) = (0, 0, 0, 0);
        if (rates.OutputPerSecond is not null) (plainOutput, reasoning) = (0, 0);
        var write5m = tier?.CacheWritePerToken ?? rates.CacheWritePerToken;
        var write1h = tier?.CacheWrite1hPerToken ?? rates.CacheWrite1hPerToken ?? rates.CacheWritePerToken;
        return new CostBreakdown(
            Input: plainInput * (tier?.InputPerToken ?? rates.InputPerToken) + seconds * (rates.InputPerSecond ?? 0),
            CacheRead: cached * (tier?.CacheReadPerToken ?? rates.CacheReadPerToken),
            CacheWrite: (written - writtenFor1h) * write5m + writtenFor1h * write1h,
            Output: plainOutput * (tier?.OutputPerToken ?? rates.OutputPerToken) + seconds * (rates.OutputPerSecond ?? 0),
            Reasoning: reasoning * (tier?.ReasoningPerToken ?? rates.ReasoningPerToken),
            Request: request,
            Images: imageCost);
    }
}
