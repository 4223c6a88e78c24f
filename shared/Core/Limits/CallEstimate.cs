using Gateway.Http;
using Gateway.Keys;
using Gateway.Pipeline;

namespace Gateway.Limits;

/// <summary>
/// A call's worst case, reserved before the upstream is called: the prompt estimated from the body size (a JSON body
/// of B bytes holds well under B/3 tokens of text, so B/3 is a safe upper bound), plus the most output the call may
/// produce (<c>max_tokens</c>, else the model's limit) times the number of choices. Computed from the one parsed
/// request, in checked arithmetic: a worst case that no budget could ever cover is a 400, never an overflow.
/// </summary>
public readonly record struct CallEstimate(long PromptTokens, long OutputTokens, long CostNanos)
{
    public long Tokens => PromptTokens + OutputTokens;

    /// <summary>No single call may reserve more than this ($1M); past it the request is refused as unreasonable.</summary>
    public const long MaxCostNanos = 1_000_000L * 1_000_000_000L;

    public static CallEstimate For(CallKind kind, IModelRequest request, int bodyBytes, ModelPrice price)
    {
        var prompt = (bodyBytes + 2L) / 3;
        long output = 0;
        if (kind.ProducesText())
        {
            var perChoice = (long)(request.MaxOutputTokens ?? price.MaxOutputTokens);
            output = perChoice * Math.Max(1, request.Choices); // both are validated int ranges: at most 2^31 * 128, no overflow
        }
        var dollars = Math.Max(0m, price.Cost(prompt, output)); // never a negative reservation, whatever a price says
        if (dollars > Money.FromNanos(MaxCostNanos))
            throw Errors.BadRequest(
                $"This request's worst case ({output} output tokens: max_tokens x n) would cost more than any budget can cover. Lower max_tokens or n.",
                request.MaxOutputTokens is null ? "n" : "max_tokens", "request_too_costly");
        return new CallEstimate(prompt, output, Money.ToNanos(dollars));
    }
}
