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

    /// <summary>The output cap per choice this estimate was made with (the client's, or the model's limit).</summary>
    public int OutputPerChoice { get; init; }

    public int Choices { get; init; } = 1;

    /// <summary>
    /// The same call with its output lowered to what <paramref name="headroomNanos"/> can pay for, so its reservation fits;
    /// null when not even one output token per choice fits (the input alone costs more than is left), or when output is free.
    /// </summary>
    public CallEstimate? CappedTo(long headroomNanos, ModelPrice price)
    {
        var rate = price.LongContext is { } tier && PromptTokens > tier.AboveTokens ? tier.OutputPerToken : price.OutputPerToken;
        if (rate <= 0 || OutputTokens == 0) return null;
        var left = Money.FromNanos(headroomNanos) - Math.Max(0m, price.Cost(PromptTokens, 0));
        if (left <= 0) return null;
        var perChoice = (long)Math.Min(OutputPerChoice - 1, decimal.Floor(left / (rate * Choices)));
        // Rounding up to whole nano-dollars can push the last token over; step back until the reservation fits.
        while (perChoice >= 1 && Money.ToNanos(Math.Max(0m, price.Cost(PromptTokens, perChoice * Choices))) > headroomNanos) perChoice--;
        if (perChoice < 1) return null;
        var output = perChoice * Choices;
        return this with { OutputTokens = output, OutputPerChoice = (int)perChoice, CostNanos = Money.ToNanos(Math.Max(0m, price.Cost(PromptTokens, output))) };
    }

    /// <summary>No single call may reserve more than this ($1M); past it the request is refused as unreasonable.</summary>
    public const long MaxCostNanos = 1_000_000L * 1_000_000_000L;

    public static CallEstimate For(CallKind kind, IModelRequest request, int bodyBytes, ModelPrice price)
    {
        var prompt = (bodyBytes + 2L) / 3;
        long output = 0;
        var perChoice = 0;
        if (kind.ProducesText())
        {
            perChoice = request.MaxOutputTokens ?? price.MaxOutputTokens;
            output = (long)perChoice * Math.Max(1, request.Choices); // both are validated int ranges: at most 2^31 * 128, no overflow
        }
        var dollars = Math.Max(0m, price.Cost(prompt, output)); // never a negative reservation, whatever a price says
        if (dollars > Money.FromNanos(MaxCostNanos))
            throw Errors.BadRequest(
                $"This request's worst case ({output} output tokens: max_tokens x n) would cost more than any budget can cover. Lower max_tokens or n.",
                request.MaxOutputTokens is null ? "n" : "max_tokens", "request_too_costly");
        return new CallEstimate(prompt, output, Money.ToNanos(dollars)) { OutputPerChoice = perChoice, Choices = Math.Max(1, request.Choices) };
    }
}
