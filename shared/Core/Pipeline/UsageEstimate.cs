using Gateway.Chat;

namespace Gateway.Pipeline;

/// <summary>
/// The usage a call is booked at, one figure for both the budget counters and the spend event. Reported usage of a
/// call that completed is taken as is. A call the upstream accepted but that ended without full usage (the client left,
/// the stream broke, no usage chunk came) is estimated: prompt tokens as reported, else from the prompt's text; output
/// tokens as reported or from the text streamed so far, whichever is larger. A call the upstream never accepted (it
/// refused, or could not be reached) used nothing.
/// </summary>
public static class UsageEstimate
{
    /// <param name="maxOutputTokens">The output the call was admitted for (<c>max_tokens</c> x <c>n</c>), when the client capped it: an estimate never passes it.</param>
    public static (TokenUsage Usage, bool Estimated) Resolve(TokenUsage? reported, bool completed, OutputProgress progress, Func<int> promptTokens,
        long? maxOutputTokens = null)
    {
        if (completed && reported is { IsKnown: true } full) return (full, false);
        if (!progress.Accepted) return (reported ?? TokenUsage.None, false);
        var r = reported ?? TokenUsage.None;
        var prompt = r.PromptTokens > 0 ? r.PromptTokens : promptTokens();
        var completion = Math.Max(r.CompletionTokens, progress.EstimatedOutputTokens);
        if (maxOutputTokens is { } cap && completion > cap && r.CompletionTokens <= cap) completion = (int)cap;
        return (new TokenUsage(prompt, completion, (int)Math.Min(int.MaxValue, (long)prompt + completion), r.CachedTokens, r.CacheWriteTokens, Math.Min(r.ReasoningTokens, completion)), true);
    }
}
