using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Telemetry;

/// <summary>
/// A loopback OTLP/HTTP receiver: it accepts <c>application/x-protobuf</c> exports on <c>/v1/traces</c> and
/// <c>/v1/metrics</c> and decodes the spans of each trace export with <see cref="Proto"/>, as a collector would.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentQueue<string> _contentTypes = new();
    private readonly ConcurrentDictionary<string, int> _metricNames = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;
    public IReadOnlyCollection<OtlpSpan> Spans => _spans;
    public IReadOnlyCollection<string> ContentTypes => _contentTypes;
    /// <summary>The names of the metrics exported so far (resource_metrics(1) → scope_metrics(2) → metrics(2) → name(1)).</summary>
    public ICollection<string> MetricNames => _metricNames.Keys;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(async ctx =>
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            receiver._contentTypes.Enqueue(ctx.Request.ContentType ?? "");
            if (ctx.Request.Path == "/v1/traces")
                foreach (var span in OtlpSpan.Decode(buffer.ToArray())) receiver._spans.Enqueue(span);
            else if (ctx.Request.Path == "/v1/metrics")
                foreach (var rm in Proto.Messages(buffer.ToArray(), 1))
                    foreach (var sm in Proto.Messages(rm, 2))
                        foreach (var m in Proto.Messages(sm, 2))
                            foreach (var f in Proto.Fields(m).Where(f => f.Number == 1)) receiver._metricNames.TryAdd(f.Text, 0);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Urls.First());
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One span of an <c>ExportTraceServiceRequest</c>, with its attributes as plain values.</summary>
public sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, int StatusCode,
    IReadOnlyDictionary<string, object> Attributes)
{
    public object? this[string key] => Attributes.GetValueOrDefault(key);

    /// <summary>resource_spans(1) → scope_spans(2) → spans(2), per opentelemetry/proto/trace/v1/trace.proto.</summary>
    public static List<OtlpSpan> Decode(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var rs in Proto.Messages(request, 1))
            foreach (var ss in Proto.Messages(rs, 2))
                foreach (var s in Proto.Messages(ss, 2))
                    spans.Add(One(s));
        return spans;
    }

    private static OtlpSpan One(ReadOnlyMemory<byte> span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        int kind = 0, status = 0;
        var attributes = new Dictionary<string, object>();
        foreach (var f in Proto.Fields(span))
        {
            switch (f.Number)
            {
                case 1: traceId = Convert.ToHexStringLower(f.Bytes.Span); break;
                case 2: spanId = Convert.ToHexStringLower(f.Bytes.Span); break;
                case 4: parent = Convert.ToHexStringLower(f.Bytes.Span); break;
                case 5: name = f.Text; break;
                case 6: kind = (int)f.Varint; break;
                case 9:
                    var (key, value) = KeyValue(f.Bytes);
                    attributes[key] = value;
                    break;
                case 15:
                    foreach (var sf in Proto.Fields(f.Bytes)) if (sf.Number == 3) status = (int)sf.Varint;
                    break;
            }
        }
        return new OtlpSpan(traceId, spanId, parent, name, kind, status, attributes);
    }

    private static (string, object) KeyValue(ReadOnlyMemory<byte> kv)
    {
        string key = "";
        object value = "";
        foreach (var f in Proto.Fields(kv))
            if (f.Number == 1) key = f.Text;
            else if (f.Number == 2) value = AnyValue(f.Bytes);
        return (key, value);
    }

    private static object AnyValue(ReadOnlyMemory<byte> any)
    {
        foreach (var f in Proto.Fields(any))
            switch (f.Number)
            {
                case 1: return f.Text;
                case 2: return f.Varint != 0;
                case 3: return (long)f.Varint;
                case 4: return BitConverter.Int64BitsToDouble((long)f.Varint);
                case 5: return Proto.Messages(f.Bytes, 1).Select(AnyValue).ToArray();
            }
        return "";
    }
}

/// <summary>The protobuf wire format, read field by field: enough to decode OTLP in a test.</summary>
public static class Proto
{
    public readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Bytes.Span);
    }

    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int number) =>
        Fields(message).Where(f => f.Number == number && f.WireType == 2).Select(f => f.Bytes);

    public static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var at = 0;
        while (at < message.Length)
        {
            var tag = ReadVarint(message.Span, ref at);
            var (number, wire) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wire)
            {
                case 0:
                    yield return new Field(number, wire, ReadVarint(message.Span, ref at), default);
                    break;
                case 1:
                    yield return new Field(number, wire, BitConverter.ToUInt64(message.Span.Slice(at, 8)), default);
                    at += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref at);
                    yield return new Field(number, wire, 0, message.Slice(at, length));
                    at += length;
                    break;
                case 5:
                    yield return new Field(number, wire, BitConverter.ToUInt32(message.Span.Slice(at, 4)), default);
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unknown protobuf wire type {wire} for field {number}.");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }
}
