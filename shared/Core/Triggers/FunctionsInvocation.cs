using System.Text.Json;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Triggers;

/// <summary>
/// The Azure Functions custom-handler contract for non-HTTP triggers: the host POSTs <c>{"Data": {binding: value},
/// "Metadata": {...}}</c> to <c>/{FunctionName}</c> and reads back <c>{"Outputs": {}, "Logs": [...], "ReturnValue": ...}</c>.
/// A non-2xx answer fails the invocation, so the host's retry policy applies.
/// </summary>
public sealed class FunctionsInvocation : IDisposable
{
    private readonly JsonDocument _doc;

    private FunctionsInvocation(JsonDocument doc, JsonElement data, JsonElement metadata)
    {
        _doc = doc;
        Data = data;
        Metadata = metadata;
    }

    public JsonElement Data { get; }
    public JsonElement Metadata { get; }
    public List<string> Logs { get; } = [];

    public static async Task<FunctionsInvocation> ReadAsync(HttpContext ctx, long maxBytes)
    {
        using var body = await RequestBody.ReadAsync(ctx.Request, maxBytes, ctx.RequestAborted);
        var doc = RequestJson.Parse(body.Memory.ToArray());
        var root = doc.RootElement;
        if (!root.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw Errors.MissingField("Data", "the custom-handler invocation payload {\"Data\": {...}, \"Metadata\": {...}}");
        }
        var metadata = root.TryGetProperty("Metadata", out var m) ? m : default;
        return new FunctionsInvocation(doc, data, metadata);
    }

    /// <summary>The one input binding's value (custom handlers name it after the binding in function.json).</summary>
    public JsonElement Input(string preferredName)
    {
        if (Data.TryGetProperty(preferredName, out var v)) return v;
        foreach (var p in Data.EnumerateObject()) return p.Value;
        throw Errors.MissingField("Data." + preferredName, "the trigger's input binding");
    }

    public async Task WriteResultAsync(HttpContext ctx, object? returnValue = null)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.Body);
        w.WriteStartObject();
        w.WriteStartObject("Outputs");
        w.WriteEndObject();
        w.WriteStartArray("Logs");
        foreach (var l in Logs) w.WriteStringValue(l);
        w.WriteEndArray();
        if (returnValue is string s) w.WriteString("ReturnValue", s);
        else w.WriteNull("ReturnValue");
        w.WriteEndObject();
        await w.FlushAsync(ctx.RequestAborted);
    }

    public void Dispose() => _doc.Dispose();
}
