using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Json;

/// <summary>Source-generated serializers for everything the gateway writes itself (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(ModelInfoList))]
[JsonSerializable(typeof(Readiness))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(string))]
public sealed partial class GatewayJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context to write with: JSON API bodies are never embedded in HTML, so quotes and non-ASCII text are
    /// written as themselves rather than as \u escapes.
    /// </summary>
    public static GatewayJsonContext Api { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
