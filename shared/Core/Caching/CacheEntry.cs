namespace Gateway.Caching;

/// <summary>One cached answer: the body as the upstream's answer was sent (JSON), when it was stored, until when it is served, and what it cost.</summary>
public sealed record CacheEntry(byte[] Body, DateTimeOffset StoredAt, DateTimeOffset ExpiresAt, decimal Cost)
{
    public bool IsFresh(DateTimeOffset now) => now < ExpiresAt;

    /// <summary>Young enough for a request's <c>s-maxage</c> (none: any age).</summary>
    public bool IsYoungerThan(TimeSpan? maxAge, DateTimeOffset now) => maxAge is not { } max || now - StoredAt <= max;
}
