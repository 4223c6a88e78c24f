using Gateway.Spend;

namespace Gateway.Functions.Azure.UnitTests;

/// <summary>Spend events as the recorder makes them, with a chosen key hash and an optional stored request body.</summary>
public static class SpendEvents
{
    public static SpendEvent Of(string id, string? keyHash, int bodyBytes = 0) => new()
    {
        Id = id,
        CallType = "chat_completion",
        Model = "gpt-4o-mini",
        ModelGroup = "gpt-4o-mini",
        Status = "success",
        HttpStatus = 200,
        KeyHash = keyHash,
        StartTime = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2026, 12, 2, 10, 0, 1, TimeSpan.Zero),
        PromptTokens = 10,
        CompletionTokens = 5,
        TotalTokens = 15,
        Spend = 0.0000123m,
        RequestBody = bodyBytes > 0 ? new string('x', bodyBytes) : null,
    };
}
