using System.Text.Json;
using Gateway.Http;
using Gateway.Pipeline;

namespace Gateway.Completions;

/// <summary>A legacy <c>POST /v1/completions</c> body (a <c>prompt</c> in, <c>text</c> choices out), parsed once and checked as OpenAI does.</summary>
public sealed class CompletionsRequest : ParsedRequest, IModelRequest
{
    private CompletionsRequest(JsonDocument document, string model) : base(document)
    {
        Model = model;
    }

    public string Model { get; }
    public bool Stream { get; private init; }
    public bool ClientWantsUsage { get; private init; }
    public int? MaxOutputTokens { get; private init; }
    public int Choices { get; private init; } = 1;
    public string? EndUser { get; private init; }
    public IReadOnlyList<string> Tags => [];

    public static CompletionsRequest Parse(ReadOnlyMemory<byte> body) => Read(RequestJson.Parse(body), doc =>
    {
        var root = doc.RootElement;
        var model = RequestJson.RequiredString(root, "model", "the name of a model served by this gateway");
        if (!root.TryGetProperty("prompt", out var prompt) || prompt.ValueKind == JsonValueKind.Null)
            throw Errors.MissingField("prompt", "a string or an array of strings");
        if (prompt.ValueKind is not (JsonValueKind.String or JsonValueKind.Array)) throw RequestJson.InvalidType("prompt", "a string or an array", prompt);
        var stream = RequestJson.OptionalBool(root, "stream") ?? false;
        var usage = stream && root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && RequestJson.OptionalBool(so, "include_usage", "stream_options.include_usage") == true;
        var n = RequestJson.OptionalInt(root, "n", 1, 128) ?? 1;
        var bestOf = RequestJson.OptionalInt(root, "best_of", 1, 20) ?? 1;
        RequestJson.OptionalNumber(root, "temperature", 0, 2);
        RequestJson.OptionalNumber(root, "top_p", 0, 1);
        return new CompletionsRequest(doc, model)
        {
            Stream = stream,
            ClientWantsUsage = usage,
            MaxOutputTokens = RequestJson.OptionalInt(root, "max_tokens", 1),
            Choices = Math.Max(n, bestOf), // best_of generates that many server-side: the worst case pays for them
            EndUser = RequestJson.OptionalString(root, "user"),
        };
    });
}
