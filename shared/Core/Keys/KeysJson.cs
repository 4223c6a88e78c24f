using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Keys;

/// <summary>Source-generated serializers for stored records and management answers (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(KeyRecord))]
[JsonSerializable(typeof(TeamRecord))]
[JsonSerializable(typeof(UserRecord))]
[JsonSerializable(typeof(EndUserRecord))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class KeysJson : JsonSerializerContext;
