using Gateway.Keys;
using Gateway.Limits;

namespace Gateway.Tests.Keys;

/// <summary>
/// The arithmetic of cap mode: how much output a remaining budget pays for (whole tokens per choice, never a nano-dollar
/// over, at the long-context rate once the prompt is past its tier), and the soft check's LiteLLM rule.
/// </summary>
public sealed class CappedEstimateTests
{
    private static readonly ModelPrice Price = new(0.000001m, 0.001m, 100);

    private static CallEstimate Estimate(long prompt, int perChoice, int choices, ModelPrice price) =>
        new(prompt, (long)perChoice * choices, Money.ToNanos(price.Cost(prompt, (long)perChoice * choices))) { OutputPerChoice = perChoice, Choices = choices };

    [Theory]
    [InlineData(0.01, 10, 1, 9)]      // $0.00999 after the input: 9 tokens
    [InlineData(0.01001, 10, 1, 10)]  // exactly 10 tokens' worth is still below the 100 asked for
    [InlineData(0.01, 10, 4, 2)]      // four choices share what is left
    [InlineData(0.00101, 10, 1, 1)]   // one token fits
    public void What_is_left_buys_whole_tokens_per_choice_and_the_reservation_fits(decimal left, long prompt, int choices, int expected)
    {
        var estimate = Estimate(prompt, 100, choices, Price);
        var capped = estimate.CappedTo(Money.ToNanos(left), Price);
        Assert.NotNull(capped);
        Assert.Equal(expected, capped.Value.OutputPerChoice);
        Assert.Equal((long)expected * choices, capped.Value.OutputTokens);
        Assert.True(capped.Value.CostNanos <= Money.ToNanos(left));
        Assert.Equal(Money.ToNanos(Price.Cost(prompt, (long)expected * choices)), capped.Value.CostNanos);
    }

    [Theory]
    [InlineData(0.001)]     // the input alone ($0.00001) fits, but not one output token with it
    [InlineData(0.000005)]  // not even the input
    [InlineData(0)]
    [InlineData(-1)]
    public void Nothing_is_capped_when_not_one_output_token_fits(decimal left) =>
        Assert.Null(Estimate(10, 100, 1, Price).CappedTo(Money.ToNanos(left), Price));

    [Fact]
    public void Free_output_is_never_capped() =>
        Assert.Null(Estimate(10, 100, 1, new ModelPrice(0.001m, 0m, 100)).CappedTo(Money.ToNanos(0.005m), new ModelPrice(0.001m, 0m, 100)));

    [Fact]
    public void A_prompt_past_the_long_context_tier_is_capped_at_the_tiers_output_rate()
    {
        var price = Price with { LongContext = new LongContextPrice(1000, 0.000002m, 0.002m) };
        var capped = Estimate(2000, 100, 1, price).CappedTo(Money.ToNanos(0.014m), price);
        Assert.Equal(5, capped!.Value.OutputPerChoice); // $0.014 - $0.004 input = $0.010 at $0.002
    }

    [Fact]
    public void A_soft_budget_admits_while_spend_is_under_it_whatever_is_reserved_or_asked()
    {
        var limits = new SubjectLimits(MaxBudget: 0.01m) { SoftBudget = true };
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        var under = CounterState.Empty with { SpendNanos = Money.ToNanos(0.0099m), ReservedNanos = Money.ToNanos(5m) };
        Assert.Equal(LimitKind.None, under.Check(limits, Money.ToNanos(100m), 1, now, out _));
        var at = CounterState.Empty with { SpendNanos = Money.ToNanos(0.01m) };
        Assert.Equal(LimitKind.Budget, at.Check(limits, 0, 1, now, out _));
        Assert.Equal(LimitKind.Budget, under.Check(limits with { SoftBudget = false }, Money.ToNanos(0.0002m), 1, now, out _));
    }
}
