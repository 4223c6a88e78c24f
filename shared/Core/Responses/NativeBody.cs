using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;
using Gateway.Responses.Storage;
using Gateway.Routing;

namespace Gateway.Responses;

/// <summary>
/// The body a native deployment gets: the client's own, except when it continues a response the gateway bridged (the
/// provider never saw it), where <c>previous_response_id</c> is replaced by the kept conversation, sent as input items.
/// A response made natively can only be continued on the deployment that holds it.
/// </summary>
internal sealed class NativeBody : IDisposable
{
    private readonly JsonDocument? _owned;

    private NativeBody(JsonElement root, JsonDocument? owned)
    {
        RootElement = root;
        _owned = owned;
    }

    public JsonElement RootElement { get; }

    public static NativeBody For(ResponsesRequest request, StoredResponse? previous, IReadOnlyList<JsonElement> history, Deployment d)
    {
        if (previous is null) return new NativeBody(request.Root, null);
        if (previous.IsNative)
        {
            if (previous.Deployment != d.Config.Id)
                throw Errors.InvalidField("previous_response_id", "the response is held by another deployment of this model; it can only be continued there");
            return new NativeBody(request.Root, null);
        }
        var doc = JsonDocument.Parse(JsonBytes.Write((request.Root, history), static (w, s) =>
        {
            w.WriteStartObject();
            foreach (var p in s.Root.EnumerateObject())
                if (!p.NameEquals("previous_response_id"u8) && !p.NameEquals("input"u8)) p.WriteTo(w);
            w.WriteStartArray("input");
            foreach (var item in s.history) WithoutIds(w, item);
            if (s.Root.TryGetProperty("input", out var input))
            {
                if (input.ValueKind == JsonValueKind.String)
                {
                    w.WriteStartObject();
                    w.WriteString("role", "user");
                    w.WriteString("content", input.GetString());
                    w.WriteEndObject();
                }
                else if (input.ValueKind == JsonValueKind.Array)
                    foreach (var item in input.EnumerateArray()) item.WriteTo(w);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }));
        return new NativeBody(doc.RootElement, doc);
    }

    /// <summary>The gateway's own item ids mean nothing to the provider, and reasoning it never made cannot go back to it.</summary>
    private static void WithoutIds(Utf8JsonWriter w, JsonElement item)
    {
        if (JsonBytes.String(item, "type") == "reasoning") return;
        w.WriteStartObject();
        foreach (var p in item.EnumerateObject())
            if (!p.NameEquals("id"u8) && !p.NameEquals("status"u8)) p.WriteTo(w);
        w.WriteEndObject();
    }

    public void Dispose() => _owned?.Dispose();
}
