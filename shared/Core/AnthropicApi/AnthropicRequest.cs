using System.Text.Json;
using Gateway.Http;
using Gateway.Pipeline;

namespace Gateway.AnthropicApi;

/// <summary>
/// A <c>/v1/messages</c> (or <c>count_tokens</c>) body in Anthropic's format, parsed once and checked as Anthropic's
/// API does. The parsed root is what every later step reads: the passthrough to Anthropic and the translation.
/// </summary>
public sealed class AnthropicRequest : ParsedRequest, IModelRequest
{
    // "system" mid-conversation, as current Anthropic clients (Claude Code) send it right after a user turn.
    private static readonly string[] Roles = ["user", "assistant", "system"];
    private AnthropicRequest(JsonDocument document, string model) : base(document)
    {
        Model = model;
    }

    public string Model { get; }
    public bool Stream { get; private init; }
    public int? MaxOutputTokens { get; private init; }
    int IModelRequest.Choices => 1;
    public string? EndUser { get; private init; }
    public IReadOnlyList<string> Tags => [];

    /// <summary>A Messages call: <c>max_tokens</c> is required.</summary>
    public static AnthropicRequest ParseMessages(ReadOnlyMemory<byte> body) => Parse(body, counting: false);

    /// <summary>A token count: the same body without <c>max_tokens</c>.</summary>
    public static AnthropicRequest ParseCount(ReadOnlyMemory<byte> body) => Parse(body, counting: true);

    private static AnthropicRequest Parse(ReadOnlyMemory<byte> body, bool counting) =>
        Read(RequestJson.Parse(body), doc =>
        {
            var root = doc.RootElement;
            var model = RequestJson.RequiredString(root, "model", "the name of a model served by this gateway");
            Messages(root);
            var maxTokens = RequestJson.OptionalInt(root, "max_tokens", 1);
            if (maxTokens is null && !counting) throw Errors.MissingField("max_tokens", "the most tokens to generate");
            RequestJson.OptionalNumber(root, "temperature", 0, 1);
            RequestJson.OptionalNumber(root, "top_p", 0, 1);
            RequestJson.OptionalInt(root, "top_k", 0);
            if (root.TryGetProperty("system", out var system) && system.ValueKind is not (JsonValueKind.Null or JsonValueKind.String or JsonValueKind.Array))
                throw RequestJson.InvalidType("system", "a string or an array of text blocks", system);
            StringArray(root, "stop_sequences");
            Tools(root);
            string? user = null;
            if (root.TryGetProperty("metadata", out var md) && md.ValueKind != JsonValueKind.Null)
            {
                if (md.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("metadata", "an object", md);
                user = RequestJson.OptionalString(md, "user_id", "metadata.user_id");
            }
            return new AnthropicRequest(doc, model)
            {
                Stream = !counting && (RequestJson.OptionalBool(root, "stream") ?? false),
                MaxOutputTokens = maxTokens,
                EndUser = user,
            };
        });

    private static void Messages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind == JsonValueKind.Null)
            throw Errors.MissingField("messages", "an array of messages");
        if (messages.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType("messages", "an array", messages);
        var i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            var at = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(at, "an object", m);
            var role = RequestJson.RequiredString(m, "role", "user, assistant or system", at + ".role");
            if (!Roles.Contains(role)) throw RequestJson.InvalidValue(at + ".role", m.GetProperty("role"), Roles);
            if (!m.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
                throw Errors.MissingField(at + ".content", "a string or an array of content blocks");
            if (content.ValueKind == JsonValueKind.String) continue;
            if (content.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType(at + ".content", "a string or an array", content);
            var j = 0;
            foreach (var block in content.EnumerateArray())
            {
                var b = $"{at}.content[{j++}]";
                if (block.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(b, "an object", block);
                var type = RequestJson.RequiredString(block, "type", "the block's type", b + ".type");
                // A system turn is instructions, never a tool result or an image: nothing else may ride on it.
                if (role == "system" && type != "text") throw RequestJson.InvalidValue(b + ".type", block.GetProperty("type"), ["text"]);
            }
        }
    }

    private static void StringArray(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return;
        if (v.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType(name, "an array of strings", v);
        var i = 0;
        foreach (var s in v.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.String) throw RequestJson.InvalidType($"{name}[{i}]", "a string", s);
            i++;
        }
    }

    private static void Tools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null) return;
        if (tools.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType("tools", "an array", tools);
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"tools[{i++}]";
            if (tool.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(at, "an object", tool);
            RequestJson.RequiredString(tool, "name", "the tool's name", at + ".name");
        }
    }
}
