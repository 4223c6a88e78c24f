using System.Diagnostics;
using System.Text.Json;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Microsoft.Extensions.Logging;

namespace Gateway.Functions.Azure.Spend;

/// <summary>
/// Hands spend events to Event Hubs through the SDK's producer: one AMQP connection per process, batches sized against
/// the hub's real limit (<c>CreateBatchAsync</c> learns it from the link). Each batch carries one partition key, the key
/// hash, so one key's events stay in order, as with the REST transport. An event that does not fit goes into the next
/// batch. Retries are the hand-off's (<see cref="SpendHandOff"/>), not the SDK's (see <see cref="EventHubsSdkTransport"/>).
/// </summary>
public sealed partial class EventHubsProducerSink(EventHubProducerClient producer, string transport, string hub, ILogger log) : ISpendSink, IAsyncDisposable
{
    public string Name { get; } = $"eventhubs ({transport})";

    public Task WriteAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct)
    {
        if (batch.Count == 1) return SendAsync(SpendDimensions.KeyOf(batch[0]), batch, ct);
        // Keys are independent: their batches go out side by side, each key's events in their order.
        return Task.WhenAll(batch.GroupBy(SpendDimensions.KeyOf, StringComparer.Ordinal).Select(g => SendAsync(g.Key, [.. g], ct)));
    }

    private async Task SendAsync(string partitionKey, IReadOnlyList<SpendEvent> events, CancellationToken ct)
    {
        var options = new CreateBatchOptions { PartitionKey = partitionKey };
        EventDataBatch? batch = null;
        try
        {
            batch = await producer.CreateBatchAsync(options, ct);
            foreach (var e in events)
            {
                var data = ToEventData(e);
                if (batch.TryAdd(data)) continue;
                if (batch.Count > 0)
                {
                    // Full: send it and start the next one with this event.
                    await producer.SendAsync(batch, ct);
                    batch.Dispose();
                    batch = null;
                    batch = await producer.CreateBatchAsync(options, ct);
                    if (batch.TryAdd(data)) continue;
                }
                // Too large for an empty batch: the spend without its bulk still reaches the hub, rather than nothing.
                if (!batch.TryAdd(ToEventData(Slimmed(e))))
                    throw new InvalidOperationException($"Spend event {e.Id} does not fit an empty Event Hubs batch of {batch.MaximumSizeInBytes} bytes, even slimmed.");
                LogSlimmed(log, e.Id, batch.MaximumSizeInBytes);
            }
            if (batch.Count > 0) await producer.SendAsync(batch, ct);
        }
        finally
        {
            batch?.Dispose();
        }
    }

    /// <summary>Longest end user id kept when an event must be slimmed to fit.</summary>
    internal const int SlimEndUserLength = 256;

    /// <summary>
    /// The event without the parts a caller can make large: the stored bodies (store_prompts_in_spend_logs) and the
    /// request's free-form <c>user</c> field. Everything that counts (tokens, cost, key, team, model, tags) stays.
    /// </summary>
    internal static SpendEvent Slimmed(SpendEvent e) => e with
    {
        RequestBody = null,
        ResponseBody = null,
        EndUser = e.EndUser is { Length: > SlimEndUserLength } u ? u[..SlimEndUserLength] : e.EndUser,
    };

    /// <summary>The event's JSON as the body, as the REST transport sends it; the spend-ingest trigger reads it as a string.</summary>
    internal static EventData ToEventData(SpendEvent e) =>
        new(JsonSerializer.SerializeToUtf8Bytes(e, SpendJson.Default.SpendEvent)) { MessageId = e.Id, ContentType = "application/json" };

    /// <summary>
    /// Opens the connection, its authorization and the send link that partition-keyed batches use, so the first call does
    /// not pay for the handshake. A failure is only logged: the first hand-off connects again.
    /// </summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var _ = await producer.CreateBatchAsync(new CreateBatchOptions { PartitionKey = SpendDimensions.NoKey }, ct);
            LogConnected(log, Name, hub, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogConnectFailed(log, Name, hub, e.Message);
        }
        catch (OperationCanceledException)
        {
            // Shut down before the connection opened.
        }
    }

    /// <summary>Closes the connection; the hand-off has flushed by now (it is disposed first, see <see cref="SpendHandOff"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await producer.CloseAsync();
            LogClosed(log, Name);
        }
        catch (Exception e)
        {
            LogCloseFailed(log, Name, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spend sink {Sink} connected to {Hub} in {Ms:F0} ms")]
    private static partial void LogConnected(ILogger log, string sink, string hub, double ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spend sink {Sink} could not connect to {Hub} at start ({Reason}); the first hand-off tries again")]
    private static partial void LogConnectFailed(ILogger log, string sink, string hub, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spend event {RequestId} is over the hub's {MaxBytes}-byte batch limit; sent without its stored bodies and with its end user id cut to 256 characters")]
    private static partial void LogSlimmed(ILogger log, string requestId, long maxBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Spend sink {Sink} closed")]
    private static partial void LogClosed(ILogger log, string sink);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spend sink {Sink} did not close cleanly: {Reason}")]
    private static partial void LogCloseFailed(ILogger log, string sink, string reason);
}
