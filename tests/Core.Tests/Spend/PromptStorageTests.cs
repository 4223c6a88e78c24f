using System.Text;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Spend;

/// <summary>
/// <c>general_settings.store_prompts_in_spend_logs</c>: off by default, so a spend log holds no request or response
/// body; on, it holds both (as LiteLLM's <c>messages</c> and <c>response</c>), each capped at
/// <c>spend_logs_max_body_bytes</c>.
/// </summary>
public sealed class PromptStorageTests
{
    private static async Task<System.Text.Json.JsonElement> LoggedCallAsync(string? general)
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraGeneral: general));
        var key = await gw.GenerateAsync();
        using (var r = await gw.ChatAsync(key, "mock", ",\"mock_response\":\"the secret answer\"")) Assert.True(r.IsSuccessStatusCode);
        return (await gw.SpendEventsAsync(key, 1)).Single();
    }

    [Fact]
    public async Task By_default_no_prompt_or_answer_is_stored()
    {
        var logged = await LoggedCallAsync(null);
        Assert.False(logged.TryGetProperty("messages", out var m) && m.ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.False(logged.TryGetProperty("response", out var r) && r.ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.DoesNotContain("secret answer", logged.GetRawText());
    }

    [Fact]
    public async Task When_on_both_are_stored_and_capped()
    {
        var logged = await LoggedCallAsync("  store_prompts_in_spend_logs: true\n  spend_logs_max_body_bytes: 60");
        var messages = logged.GetProperty("messages").GetString()!;
        Assert.Contains("\"model\":\"mock\"", messages);
        Assert.True(Encoding.UTF8.GetByteCount(messages) <= 80, messages); // capped near 60 bytes (with its cut marker)
        Assert.StartsWith("{\"id\"", logged.GetProperty("response").GetString());
    }
}
