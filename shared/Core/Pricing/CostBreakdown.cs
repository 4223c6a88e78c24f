namespace Gateway.Pricing;

/// <summary>What one call cost in US dollars, part by part. No token is in more than one part.</summary>
public sealed record CostBreakdown(
    decimal Input,
    decimal CacheRead,
    decimal CacheWrite,
    decimal Output,
    decimal Reasoning,
    decimal Request,
    decimal Images)
{
    public static readonly CostBreakdown Zero = new(0, 0, 0, 0, 0, 0, 0);

    public decimal Total => Input + CacheRead + CacheWrite + Output + Reasoning + Request + Images;
}
