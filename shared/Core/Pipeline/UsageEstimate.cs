using Gateway.Chat;
using Gateway.Tokens;

namespace Gateway.Pipeline;

/// <summary>
/// The usage a call is booked at, one figure for both the budget counters and the spend event. Reported usage of a
/// call that completed is taken as is. A call the upstream accepted but that ended without full usage (the client left,
/// the stream broke, no usage chunk came) is estimated: prompt tokens as reported, else from the prompt's text; output
/// tokens as reported or from the text streamed so far, whichever is larger. Both are counted with the model's own
/// tokenizer where one is local (OpenAI models), else at about four characters (prompt) or bytes (output) a token. A call the upstream never accepted (it
/// refused, or could not be reached) used nothing.
/// </summary>
public static class UsageEstimate
{
    /// <param name="maxOutputTokens">The output the call was admitted for (<c>max_tokens</c> x <c>n</c>), when the client capped it: an estimate never passes it.</param>
    /// <param name="tokenizer">The serving model's tokenizer, when one is local: the streamed text is counted with it.</param>
    public static (TokenUsage Usage, bool Estimated) Resolve(TokenUsage? reported, bool completed, OutputProgress progress, Func<int> promptTokens,
        long? maxOutputTokens = null, ITokenCounter? tokenizer = null)
    {
        if (completed && reported is { IsKnown: true } full) return (full, false);
        if (!progress.Accepted) return (reported ?? TokenUsage.None, false);
        var r = reported ?? TokenUsage.None;
        var prompt = r.PromptTokens > 0 ? r.PromptTokens : promptTokens();
        var completion = Math.Max(r.CompletionTokens, progress.EstimateOutputTokens(tokenizer));
        if (maxOutputTokens is { } cap && completion > cap && r.CompletionTokens <= cap) completion = (int)cap;
        return (new TokenUsage(prompt, completion, (int)Math.Min(int.MaxValue, (long)prompt + completion), r.CachedTokens, r.CacheWriteTokens, Math.Min(r.ReasoningTokens, completion)) { CacheWrite1hTokens = r.CacheWrite1hTokens }, true);
    }
}
