using System.Text.Json;
using Gateway.Http;
using Gateway.Pipeline;

namespace Gateway.Chat;

/// <summary>
/// An OpenAI chat-completions request, kept as the client's own JSON so unknown fields pass through untouched,
/// with the few fields the gateway acts on read and validated up front.
/// </summary>
public sealed class ChatRequest : ParsedRequest, IModelRequest
{
    private ChatRequest(JsonDocument document) : base(document)
    {
    }

    public string Model { get; private init; } = "";
    public bool Stream { get; private init; }

    /// <summary>The client set <c>stream_options.include_usage</c>; the gateway asks upstream for usage regardless.</summary>
    public bool ClientWantsUsage { get; private init; }

    public int N { get; private init; } = 1;

    /// <summary>The client's own end user (<c>user</c>), recorded in the spend event.</summary>
    public string? User { get; private init; }

    /// <summary>
    /// Spend tags for this call: the gateway's top-level <c>tags</c> (LiteLLM's name; a gateway directive, never sent
    /// upstream) and <c>metadata.tags</c> (left in <c>metadata</c>, which OpenAI accepts).
    /// </summary>
    public IReadOnlyList<string> Tags { get; private init; } = [];

    /// <summary>At most this many request tags, each at most <see cref="MaxTagLength"/> characters, count toward rollups.</summary>
    public const int MaxTags = 32;
    public const int MaxTagLength = 256;

    /// <summary>LiteLLM's <c>mock_response</c> directive; never sent upstream.</summary>
    public string? MockResponse { get; private init; }

    /// <summary>Fields that steer the gateway itself and are removed before forwarding.</summary>
    public static bool IsGatewayDirective(JsonProperty property) =>
        property.NameEquals("mock_response"u8) || property.NameEquals("tags"u8) || property.NameEquals("cache"u8) || Routing.Fallbacks.RequestDirectives.IsDirective(property);

    /// <summary>The most output tokens per choice the client allowed (<c>max_completion_tokens</c>, else <c>max_tokens</c>).</summary>
    public int? MaxOutputTokens { get; private init; }

    int IModelRequest.Choices => N;
    string? IModelRequest.EndUser => User;

    /// <summary>Parses and validates a client's body as OpenAI does; throws a 400 <see cref="GatewayException"/> naming the bad field.</summary>
    public static ChatRequest Parse(ReadOnlyMemory<byte> body) => Read(RequestJson.Parse(body), Build);

    /// <summary>Parses a body the gateway translated itself (from another API shape); same checks, deeper nesting allowed.</summary>
    public static ChatRequest ParseTranslated(ReadOnlyMemory<byte> body) => Read(RequestJson.ParseInternal(body), Build);

    private static ChatRequest Build(JsonDocument doc)
    {
        var root = doc.RootElement;
        var model = RequestJson.RequiredString(root, "model", "the name of a model served by this gateway");
        ChatValidator.Validate(root);
        var stream = RequestJson.OptionalBool(root, "stream") ?? false;
        var wantsUsage = stream && root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && RequestJson.OptionalBool(so, "include_usage") == true;
        var n = RequestJson.OptionalInt(root, "n", 1, ChatValidator.MaxChoices) ?? 1;
        var maxOutput = RequestJson.OptionalInt(root, "max_completion_tokens", 1) ?? RequestJson.OptionalInt(root, "max_tokens", 1);
        string? mock = null;
        if (root.TryGetProperty("mock_response", out var mr) && mr.ValueKind == JsonValueKind.String) mock = mr.GetString();

        var user = RequestJson.OptionalString(root, "user");
        List<string>? tags = null;
        if (root.TryGetProperty("tags", out var t) && t.ValueKind != JsonValueKind.Null) ReadTags(t, "tags", tags ??= []);
        if (root.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object && md.TryGetProperty("tags", out var mt)
            && mt.ValueKind != JsonValueKind.Null)
            ReadTags(mt, "metadata.tags", tags ??= []);

        return new ChatRequest(doc)
        {
            Model = model, Stream = stream, ClientWantsUsage = wantsUsage, N = n, MaxOutputTokens = maxOutput, MockResponse = mock, User = user,
            Tags = tags is null ? [] : tags.Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    private static void ReadTags(JsonElement tags, string param, List<string> into)
    {
        if (tags.ValueKind != JsonValueKind.Array) throw Errors.InvalidField(param, "expected an array of strings");
        foreach (var tag in tags.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.String || tag.GetString() is not { Length: > 0 and <= MaxTagLength } text)
                throw Errors.InvalidField(param, $"each tag must be a string of 1 to {MaxTagLength} characters");
            into.Add(text);
        }
        if (into.Count > MaxTags) throw Errors.InvalidField(param, $"at most {MaxTags} tags");
    }
}
