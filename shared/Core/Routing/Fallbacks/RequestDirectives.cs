using System.Text.Json;
using Gateway.Http;

namespace Gateway.Routing.Fallbacks;

/// <summary>
/// The routing fields a request body may carry (LiteLLM's names; never sent upstream): a <c>fallbacks</c> array of model
/// names that replaces the group's own <c>fallbacks</c>, and the test flags that make the first group fail on purpose so
/// a setup's fallbacks can be checked (<c>mock_testing_fallbacks</c>, <c>mock_testing_context_window_fallbacks</c>,
/// <c>mock_testing_content_policy_fallbacks</c>). Read from the call's one parse.
/// </summary>
public sealed record RequestDirectives(IReadOnlyList<string>? Fallbacks, GatewayException? MockFailure)
{
    public static readonly RequestDirectives None = new(null, null);

    public const int MaxFallbacks = 16;

    public static bool IsDirective(JsonProperty p) =>
        p.NameEquals("fallbacks"u8) || p.NameEquals("mock_testing_fallbacks"u8) || p.NameEquals("mock_testing_context_window_fallbacks"u8)
        || p.NameEquals("mock_testing_content_policy_fallbacks"u8);

    public static RequestDirectives Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return None;
        List<string>? fallbacks = null;
        if (root.TryGetProperty("fallbacks", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            if (f.ValueKind != JsonValueKind.Array) throw Errors.InvalidField("fallbacks", "expected an array of model names");
            fallbacks = [];
            foreach (var item in f.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 and <= 256 } name)
                    throw Errors.InvalidField("fallbacks", "each entry must be a model name (a string of 1 to 256 characters)");
                if (!fallbacks.Contains(name)) fallbacks.Add(name);
            }
            if (fallbacks.Count > MaxFallbacks) throw Errors.InvalidField("fallbacks", $"at most {MaxFallbacks} model names");
        }
        GatewayException? mock = null;
        if (Flag(root, "mock_testing_fallbacks"))
            mock = new GatewayException(500, "api_error", "Mock failure to test fallbacks (mock_testing_fallbacks).", "mock_testing_fallbacks") { Retryable = false };
        else if (Flag(root, "mock_testing_context_window_fallbacks"))
            mock = new GatewayException(400, Errors.InvalidRequest, "Mock context window exceeded to test fallbacks (mock_testing_context_window_fallbacks).", "context_length_exceeded", "messages");
        else if (Flag(root, "mock_testing_content_policy_fallbacks"))
            mock = new GatewayException(400, Errors.InvalidRequest, "Mock content policy violation to test fallbacks (mock_testing_content_policy_fallbacks).", "content_policy_violation");
        return fallbacks is null && mock is null ? None : new RequestDirectives(fallbacks, mock);
    }

    private static bool Flag(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Errors.InvalidField(name, "expected true or false"),
        };
    }
}
