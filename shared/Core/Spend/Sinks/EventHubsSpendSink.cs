using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Providers.Azure;

namespace Gateway.Spend.Sinks;

/// <summary>
/// The <c>rest</c> transport (<c>GATEWAY_EVENTHUBS_TRANSPORT=rest</c>), for networks that open only HTTPS and any host
/// without the SDK. Sends events to Event Hubs with the REST send-batch API: <c>POST https://{namespace}/{hub}/messages</c>,
/// <c>Content-Type: application/vnd.microsoft.servicebus.json</c>, a body of <c>[{"Body": "...", "BrokerProperties":
/// {"PartitionKey": "..."}}]</c>, and an Entra token for <c>https://eventhubs.azure.net/</c> from the app's identity.
/// The partition key is the key hash, so one key's events stay in order. Batches over the 1 MB request limit are split.
/// </summary>
public sealed class EventHubsSpendSink(HttpClient http, Uri hubUri, AzureTokenSource tokens) : ISpendSink
{
    public const string Scope = "https://eventhubs.azure.net/.default";
    public const string ContentType = "application/vnd.microsoft.servicebus.json";
    private const int MaxRequestBytes = 900 * 1024; // below the service's 1 MB, leaving room for the envelope

    private readonly Uri _messages = new(hubUri.ToString().TrimEnd('/') + "/messages?timeout=60&api-version=2014-01");

    public string Name => "eventhubs (rest)";

    public async Task WriteAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct)
    {
        var token = await tokens.GetTokenAsync(ct);
        foreach (var body in Bodies(batch))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _messages) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Event Hubs answered {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(ct))}");
        }
    }

    /// <summary>The batch as one or more request bodies, each under the size limit.</summary>
    private static IEnumerable<byte[]> Bodies(IReadOnlyList<SpendEvent> batch)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using var w = new Utf8JsonWriter(buffer);
        var count = 0;
        w.WriteStartArray();
        foreach (var e in batch)
        {
            var json = JsonSerializer.Serialize(e, SpendJson.Default.SpendEvent);
            if (count > 0 && buffer.WrittenCount + json.Length * 2 > MaxRequestBytes)
            {
                w.WriteEndArray();
                w.Flush();
                yield return buffer.WrittenSpan.ToArray();
                buffer.Clear();
                w.Reset(buffer);
                w.WriteStartArray();
                count = 0;
            }
            w.WriteStartObject();
            w.WriteString("Body", json);
            w.WriteStartObject("BrokerProperties");
            w.WriteString("PartitionKey", Ingest.SpendDimensions.KeyOf(e));
            w.WriteEndObject();
            w.WriteEndObject();
            count++;
        }
        w.WriteEndArray();
        w.Flush();
        yield return buffer.WrittenSpan.ToArray();
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300];
}
