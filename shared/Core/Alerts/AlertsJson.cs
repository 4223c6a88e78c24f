using System.Text.Json.Serialization;
using Gateway.Alerts.State;

namespace Gateway.Alerts;

/// <summary>Source-generated serializers for stored alerts (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertRecord))]
public sealed partial class AlertsJson : JsonSerializerContext;
