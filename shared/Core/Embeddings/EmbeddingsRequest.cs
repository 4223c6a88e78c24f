using System.Text.Json;
using Gateway.Config;
using Gateway.Http;
using Gateway.Pipeline;

namespace Gateway.Embeddings;

/// <summary>An OpenAI embeddings request, kept as raw JSON for pass-through, with <c>model</c> and <c>input</c> checked.</summary>
public sealed class EmbeddingsRequest : ParsedRequest, IModelRequest
{
    private EmbeddingsRequest(JsonDocument document, string model) : base(document)
    {
        Model = model;
    }

    public string Model { get; }
    public string? EndUser { get; private init; }
    bool IModelRequest.Stream => false;
    int? IModelRequest.MaxOutputTokens => null;
    int IModelRequest.Choices => 1;
    IReadOnlyList<string> IModelRequest.Tags => [];

    public static EmbeddingsRequest Parse(ReadOnlyMemory<byte> body)
    {
        return Read(RequestJson.Parse(body), static doc =>
        {
            var root = doc.RootElement;
            var model = RequestJson.RequiredString(root, "model", "the name of an embedding model served by this gateway");
            if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
                throw Errors.MissingField("input", "a string, an array of strings, or an array of token arrays");
            if (input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
                throw Errors.InvalidField("input", "expected a string or an array");
            if (input.ValueKind == JsonValueKind.Array && input.GetArrayLength() == 0)
                throw Errors.InvalidField("input", "expected at least one item");
            if (root.TryGetProperty("encoding_format", out var f) && f.ValueKind != JsonValueKind.Null
                && !(f.ValueKind == JsonValueKind.String && (f.ValueEquals("float") || f.ValueEquals("base64"))))
                throw Errors.InvalidField("encoding_format", "expected 'float' or 'base64'");
            RequestJson.OptionalInt(root, "dimensions", min: 1);
            return new EmbeddingsRequest(doc, model) { EndUser = RequestJson.OptionalString(root, "user") };
        });
    }
}

/// <summary>One attempt of an embeddings request against one deployment.</summary>
public sealed record EmbeddingsCall(EmbeddingsRequest Request, DeploymentConfig Deployment, GatewayRequestFeature Timing);
