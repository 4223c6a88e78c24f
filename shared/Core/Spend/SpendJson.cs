using System.Text.Json.Serialization;
using Gateway.Spend.Api;

namespace Gateway.Spend;

/// <summary>Source-generated JSON for spend events and the spend API (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SpendEvent))]
[JsonSerializable(typeof(List<SpendEvent>))]
[JsonSerializable(typeof(SpendLogsResponse))]
[JsonSerializable(typeof(List<SpendReportDay>))]
[JsonSerializable(typeof(List<SpendTotal>))]
[JsonSerializable(typeof(SpendSummaryResponse))]
public sealed partial class SpendJson : JsonSerializerContext
{
    /// <summary>Writes with the relaxed encoder: spend JSON is never embedded in HTML.</summary>
    public static SpendJson Api { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
