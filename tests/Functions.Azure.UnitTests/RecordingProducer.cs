using System.Text.Json;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Gateway.Spend;

namespace Gateway.Functions.Azure.UnitTests;

/// <summary>
/// An <see cref="EventHubProducerClient"/> through the SDK's own test seams: the protected constructor, the virtual
/// CreateBatchAsync/SendAsync/CloseAsync, and batches from <see cref="EventHubsModelFactory.EventDataBatch"/> that
/// accept events up to a size limit, as the real link's limit does. It records every batch it sends and, in order, every
/// operation; <see cref="OnSend"/> lets a test make the hub fail or hang.
/// </summary>
public sealed class RecordingProducer(long maxBatchBytes = 1024 * 1024) : EventHubProducerClient
{
    /// <summary>Per-event framing the fake charges on top of the body, as AMQP does.</summary>
    public const int EventOverhead = 64;

    private readonly Dictionary<EventDataBatch, (string? Key, List<EventData> Events, long[] Size)> _batches = [];
    private readonly List<SentBatch> _sent = [];
    private readonly List<string> _operations = [];
    private int _sendCalls;

    public sealed record SentBatch(string? PartitionKey, IReadOnlyList<SpendEvent> Events, long Bytes);

    /// <summary>Runs before each batch is created (the real client opens the link here); throw to fail it.</summary>
    public Action? OnCreate { get; set; }

    /// <summary>Runs before each send with its 1-based number; throw to fail it, or wait on the token to hang it.</summary>
    public Func<int, CancellationToken, Task>? OnSend { get; set; }

    public IReadOnlyList<SentBatch> Sent { get { lock (_sent) return [.. _sent]; } }
    public IReadOnlyList<string> Operations { get { lock (_operations) return [.. _operations]; } }
    public int SendCalls => Volatile.Read(ref _sendCalls);
    public long MaxBatchBytes => maxBatchBytes;

    public override ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        OnCreate?.Invoke();
        var store = new List<EventData>();
        var size = new long[1];
        var batch = EventHubsModelFactory.EventDataBatch(maxBatchBytes, store, options, e =>
        {
            var bytes = e.EventBody.ToMemory().Length + EventOverhead;
            if (size[0] + bytes > maxBatchBytes) return false;
            size[0] += bytes;
            return true;
        });
        lock (_batches) _batches[batch] = (options.PartitionKey, store, size);
        Record("create " + options.PartitionKey);
        return new(batch);
    }

    public override ValueTask<EventDataBatch> CreateBatchAsync(CancellationToken cancellationToken = default) =>
        CreateBatchAsync(new CreateBatchOptions(), cancellationToken);

    public override async Task SendAsync(EventDataBatch eventBatch, CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _sendCalls);
        if (OnSend is { } hook) await hook(n, cancellationToken);
        (string? Key, List<EventData> Events, long[] Size) b;
        lock (_batches) b = _batches[eventBatch];
        var events = b.Events.Select(e => JsonSerializer.Deserialize(e.EventBody.ToArray(), SpendJson.Default.SpendEvent)!).ToList();
        lock (_sent) _sent.Add(new SentBatch(b.Key, events, b.Size[0]));
        Record($"send {b.Key} {events.Count}");
    }

    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        Record("close");
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync() => new(CloseAsync());

    private void Record(string operation)
    {
        lock (_operations) _operations.Add(operation);
    }
}
