using System.Text.Json;
using Gateway.Http;
using Gateway.Pipeline;

namespace Gateway.Responses;

/// <summary>
/// A <c>POST /v1/responses</c> body, parsed once and checked as OpenAI's Responses API does. The parsed root is what every
/// later step reads: the native pass-through splices it, the bridge translates it to a chat request.
/// </summary>
public sealed class ResponsesRequest : ParsedRequest, IModelRequest, IPinnedRequest
{
    private static readonly string[] Roles = ["user", "assistant", "system", "developer"];
    private static readonly string[] ToolChoices = ["auto", "none", "required"];
    private static readonly string[] Formats = ["text", "json_object", "json_schema"];
    private static readonly string[] Efforts = ["none", "minimal", "low", "medium", "high", "xhigh"];
    private static readonly string[] Summaries = ["auto", "concise", "detailed"];
    private static readonly string[] Truncations = ["auto", "disabled"];

    /// <summary>At most this many input items, as OpenAI documents for one request.</summary>
    public const int MaxInputItems = 2048;

    private ResponsesRequest(JsonDocument document, string model) : base(document)
    {
        Model = model;
    }

    public string Model { get; }
    public bool Stream { get; private init; }
    public int? MaxOutputTokens { get; private init; }
    int IModelRequest.Choices => 1;
    public string? EndUser { get; private init; }
    public IReadOnlyList<string> Tags => [];

    /// <summary><c>store</c>: keep the response for <c>GET</c> and <c>previous_response_id</c> (true unless the client says false, as at OpenAI).</summary>
    public bool Store { get; private init; } = true;

    public string? PreviousResponseId { get; private init; }

    /// <summary>Set before routing when <see cref="PreviousResponseId"/> names a native response: only its deployment holds it.</summary>
    public string? PinnedDeployment { get; internal set; }

    public static ResponsesRequest Parse(ReadOnlyMemory<byte> body) => Read(RequestJson.Parse(body), doc =>
    {
        var root = doc.RootElement;
        var model = RequestJson.RequiredString(root, "model", "the name of a model served by this gateway");
        var previous = RequestJson.OptionalString(root, "previous_response_id");
        if (previous is { Length: 0 or > 256 }) throw Errors.InvalidField("previous_response_id", "expected a response id");
        Input(root, required: previous is null);
        RequestJson.OptionalString(root, "instructions");
        Tools(root);
        ToolChoice(root);
        RequestJson.OptionalBool(root, "parallel_tool_calls");
        TextFormat(root);
        Reasoning(root);
        var max = RequestJson.OptionalInt(root, "max_output_tokens", 1);
        RequestJson.OptionalNumber(root, "temperature", 0, 2);
        RequestJson.OptionalNumber(root, "top_p", 0, 1);
        Metadata(root);
        var user = RequestJson.OptionalString(root, "user");
        if (RequestJson.OptionalString(root, "truncation") is { } t && !Truncations.Contains(t))
            throw RequestJson.InvalidValue("truncation", root.GetProperty("truncation"), Truncations);
        StringArray(root, "include");
        return new ResponsesRequest(doc, model)
        {
            Stream = RequestJson.OptionalBool(root, "stream") ?? false,
            Store = RequestJson.OptionalBool(root, "store") ?? true,
            MaxOutputTokens = max,
            EndUser = user,
            PreviousResponseId = previous,
        };
    });

    private static void Input(JsonElement root, bool required)
    {
        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            if (required) throw Errors.MissingField("input", "a string or an array of input items");
            return;
        }
        if (input.ValueKind == JsonValueKind.String) return;
        if (input.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType("input", "a string or an array", input);
        if (input.GetArrayLength() > MaxInputItems) throw Errors.InvalidField("input", $"at most {MaxInputItems} items");
        var i = 0;
        foreach (var item in input.EnumerateArray()) InputItem(item, $"input[{i++}]");
    }

    /// <summary>One input item: a message (with or without <c>type</c>), a function call, its output, or a reasoning item.</summary>
    internal static void InputItem(JsonElement item, string at)
    {
        if (item.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(at, "an object", item);
        var type = RequestJson.OptionalString(item, "type", at + ".type") ?? "message";
        switch (type)
        {
            case "message":
                var role = RequestJson.RequiredString(item, "role", "user, assistant, system or developer", at + ".role");
                if (!Roles.Contains(role)) throw RequestJson.InvalidValue(at + ".role", item.GetProperty("role"), Roles);
                if (!item.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
                    throw Errors.MissingField(at + ".content", "a string or an array of content parts");
                if (content.ValueKind == JsonValueKind.String) return;
                if (content.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType(at + ".content", "a string or an array", content);
                var j = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var p = $"{at}.content[{j++}]";
                    if (part.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(p, "an object", part);
                    RequestJson.RequiredString(part, "type", "the part's type", p + ".type");
                }
                return;
            case "function_call":
                RequestJson.RequiredString(item, "call_id", "the id of the tool call", at + ".call_id");
                RequestJson.RequiredString(item, "name", "the function's name", at + ".name");
                if (!item.TryGetProperty("arguments", out var args) || args.ValueKind != JsonValueKind.String)
                    throw Errors.MissingField(at + ".arguments", "the call's arguments as a JSON string");
                return;
            case "function_call_output":
                RequestJson.RequiredString(item, "call_id", "the id of the tool call this answers", at + ".call_id");
                if (!item.TryGetProperty("output", out var output) || output.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
                    throw Errors.MissingField(at + ".output", "the tool's output as a string or an array of content parts");
                return;
            default:
                return; // reasoning, item_reference and built-in tool items: the native pass-through takes them; the bridge decides
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
            var type = RequestJson.RequiredString(tool, "type", "the tool's type", at + ".type");
            if (type != "function") continue;
            RequestJson.RequiredString(tool, "name", "the function's name", at + ".name");
            if (tool.TryGetProperty("parameters", out var p) && p.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                throw RequestJson.InvalidType(at + ".parameters", "an object", p);
        }
    }

    private static void ToolChoice(JsonElement root)
    {
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null) return;
        if (choice.ValueKind == JsonValueKind.String)
        {
            if (!ToolChoices.Contains(choice.GetString())) throw RequestJson.InvalidValue("tool_choice", choice, ToolChoices);
            return;
        }
        if (choice.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("tool_choice", "a string or an object", choice);
        if (RequestJson.RequiredString(choice, "type", "the choice's type", "tool_choice.type") == "function")
            RequestJson.RequiredString(choice, "name", "the function's name", "tool_choice.name");
    }

    private static void TextFormat(JsonElement root)
    {
        if (!root.TryGetProperty("text", out var text) || text.ValueKind == JsonValueKind.Null) return;
        if (text.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("text", "an object", text);
        if (!text.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null) return;
        if (format.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("text.format", "an object", format);
        var type = RequestJson.RequiredString(format, "type", "text, json_object or json_schema", "text.format.type");
        if (!Formats.Contains(type)) throw RequestJson.InvalidValue("text.format.type", format.GetProperty("type"), Formats);
        if (type != "json_schema") return;
        RequestJson.RequiredString(format, "name", "the schema's name", "text.format.name");
        if (!format.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
            throw Errors.MissingField("text.format.schema", "a JSON schema object");
    }

    private static void Reasoning(JsonElement root)
    {
        if (!root.TryGetProperty("reasoning", out var r) || r.ValueKind == JsonValueKind.Null) return;
        if (r.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("reasoning", "an object", r);
        if (RequestJson.OptionalString(r, "effort", "reasoning.effort") is { } e && !Efforts.Contains(e))
            throw RequestJson.InvalidValue("reasoning.effort", r.GetProperty("effort"), Efforts);
        if (RequestJson.OptionalString(r, "summary", "reasoning.summary") is { } s && !Summaries.Contains(s))
            throw RequestJson.InvalidValue("reasoning.summary", r.GetProperty("summary"), Summaries);
    }

    private static void Metadata(JsonElement root)
    {
        if (!root.TryGetProperty("metadata", out var md) || md.ValueKind == JsonValueKind.Null) return;
        if (md.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("metadata", "an object", md);
        var n = 0;
        foreach (var p in md.EnumerateObject())
        {
            if (++n > 16) throw Errors.InvalidField("metadata", "at most 16 keys");
            if (p.Name.Length > 64) throw Errors.InvalidField("metadata", "keys are at most 64 characters");
            if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString()!.Length > 512)
                throw Errors.InvalidField($"metadata.{p.Name}", "expected a string of at most 512 characters");
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
}
