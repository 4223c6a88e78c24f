using System.Text.Json;
using Gateway.Http;

namespace Gateway.Chat;

/// <summary>
/// An OpenAI chat-completions request, kept as the client's own JSON so unknown fields pass through untouched,
/// with the few fields the gateway acts on read and validated up front.
/// </summary>
public sealed class ChatRequest : IDisposable
{
    private readonly JsonDocument _document;

    private ChatRequest(JsonDocument document)
    {
        _document = document;
    }

    public JsonElement Root => _document.RootElement;
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
    public static bool IsGatewayDirective(JsonProperty property) => property.NameEquals("mock_response"u8) || property.NameEquals("tags"u8);

    /// <summary>Parses and validates; throws a 400 <see cref="GatewayException"/> naming the bad field.</summary>
    public static ChatRequest Parse(ReadOnlyMemory<byte> body)
    {
        var doc = RequestJson.Parse(body);
        try
        {
            var root = doc.RootElement;
            var model = RequestJson.RequiredString(root, "model", "the name of a model served by this gateway");
            if (!root.TryGetProperty("messages", out var messages))
                throw Errors.MissingField("messages", "an array of chat messages");
            if (messages.ValueKind != JsonValueKind.Array) throw Errors.InvalidField("messages", "expected an array");
            if (messages.GetArrayLength() == 0) throw Errors.InvalidField("messages", "expected at least one message");
            var i = 0;
            foreach (var m in messages.EnumerateArray())
            {
                if (m.ValueKind != JsonValueKind.Object) throw Errors.InvalidField($"messages[{i}]", "expected an object");
                if (!m.TryGetProperty("role", out var role) || role.ValueKind == JsonValueKind.Null)
                    throw Errors.MissingField($"messages[{i}].role", "one of system, developer, user, assistant, tool");
                if (role.ValueKind != JsonValueKind.String) throw Errors.InvalidField($"messages[{i}].role", "expected a string");
                i++;
            }

            var stream = RequestJson.OptionalBool(root, "stream") ?? false;
            var wantsUsage = false;
            if (root.TryGetProperty("stream_options", out var so) && so.ValueKind != JsonValueKind.Null)
            {
                if (so.ValueKind != JsonValueKind.Object) throw Errors.InvalidField("stream_options", "expected an object");
                wantsUsage = RequestJson.OptionalBool(so, "include_usage", "stream_options.include_usage") ?? false;
            }
            var n = RequestJson.OptionalInt(root, "n", min: 1) ?? 1;
            string? mock = null;
            if (root.TryGetProperty("mock_response", out var mr) && mr.ValueKind == JsonValueKind.String) mock = mr.GetString();

            var user = root.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var tags = new List<string>();
            if (root.TryGetProperty("tags", out var t) && t.ValueKind != JsonValueKind.Null) ReadTags(t, "tags", tags);
            if (root.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object && md.TryGetProperty("tags", out var mt)
                && mt.ValueKind != JsonValueKind.Null)
                ReadTags(mt, "metadata.tags", tags);

            return new ChatRequest(doc)
            {
                Model = model, Stream = stream, ClientWantsUsage = stream && wantsUsage, N = n, MockResponse = mock, User = user,
                Tags = tags.Distinct(StringComparer.Ordinal).ToList(),
            };
        }
        catch
        {
            doc.Dispose();
            throw;
        }
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

    public void Dispose() => _document.Dispose();
}
