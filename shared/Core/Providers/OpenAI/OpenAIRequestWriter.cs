using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.OpenAI;

/// <summary>
/// Writes the body sent to an OpenAI-format upstream by splicing the client's raw JSON: every field is copied byte
/// for byte except <c>model</c> (the deployment's name), <c>stream_options</c> (usage is always requested on streams)
/// and the gateway's own directives. Unknown fields therefore reach the upstream exactly as the client wrote them.
/// </summary>
public static class OpenAIRequestWriter
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? _scratch;

    /// <param name="encodedModel">The upstream model name, already JSON-encoded (see <see cref="JsonEncodedText"/>).</param>
    /// <param name="forceStreamUsage">Add <c>stream_options.include_usage=true</c>, keeping any other stream options.</param>
    public static byte[] Write(JsonElement root, JsonEncodedText? encodedModel, bool forceStreamUsage)
    {
        var w = _scratch ??= new ArrayBufferWriter<byte>(4096);
        w.ResetWrittenCount();
        w.Write("{"u8);
        var first = true;
        var wroteModel = false;
        var wroteStreamOptions = false;
        foreach (var prop in root.EnumerateObject())
        {
            if (ChatRequest.IsGatewayDirective(prop)) continue;
            if (prop.NameEquals("model"u8))
            {
                if (encodedModel is null) continue;
                Separator(w, ref first);
                WriteModel(w, encodedModel.Value);
                wroteModel = true;
                continue;
            }
            if (forceStreamUsage && prop.NameEquals("stream_options"u8))
            {
                Separator(w, ref first);
                WriteStreamOptions(w, prop.Value);
                wroteStreamOptions = true;
                continue;
            }
            Separator(w, ref first);
            WriteRaw(w, prop);
        }
        if (!wroteModel && encodedModel is not null)
        {
            Separator(w, ref first);
            WriteModel(w, encodedModel.Value);
        }
        if (forceStreamUsage && !wroteStreamOptions)
        {
            Separator(w, ref first);
            WriteStreamOptions(w, default);
        }
        w.Write("}"u8);
        return w.WrittenSpan.ToArray();
    }

    private static void Separator(ArrayBufferWriter<byte> w, ref bool first)
    {
        if (!first) w.Write(","u8);
        first = false;
    }

    private static void WriteModel(ArrayBufferWriter<byte> w, JsonEncodedText model)
    {
        w.Write("\"model\":\""u8);
        w.Write(model.EncodedUtf8Bytes);
        w.Write("\""u8);
    }

    private static void WriteRaw(ArrayBufferWriter<byte> w, JsonProperty prop)
    {
        w.Write("\""u8);
        w.Write(JsonMarshal.GetRawUtf8PropertyName(prop));
        w.Write("\":"u8);
        w.Write(JsonMarshal.GetRawUtf8Value(prop.Value));
    }

    private static void WriteStreamOptions(ArrayBufferWriter<byte> w, JsonElement existing)
    {
        w.Write("\"stream_options\":{\"include_usage\":true"u8);
        if (existing.ValueKind == JsonValueKind.Object)
            foreach (var p in existing.EnumerateObject())
            {
                if (p.NameEquals("include_usage"u8)) continue;
                w.Write(","u8);
                WriteRaw(w, p);
            }
        w.Write("}"u8);
    }
}
