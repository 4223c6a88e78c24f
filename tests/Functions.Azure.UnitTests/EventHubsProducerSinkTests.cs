using Azure.Messaging.EventHubs;
using Gateway.Functions.Azure.Spend;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Microsoft.Extensions.Logging;

namespace Gateway.Functions.Azure.UnitTests;

/// <summary>
/// The SDK sink's batching through the SDK's test seams: one partition key per batch (the key hash, as the REST
/// transport sets it), batches split where the size limit says, every event sent once and in its key's order.
/// </summary>
public sealed class EventHubsProducerSinkTests
{
    private static readonly string KeyA = new('a', 64), KeyB = new('b', 64);

    private static EventHubsProducerSink Sink(RecordingProducer producer, RecordingLogger<EventHubsProducerSink>? log = null) =>
        new(producer, "amqp", "ns1.servicebus.windows.net/spend", log ?? new RecordingLogger<EventHubsProducerSink>());

    [Fact]
    public async Task Each_batch_carries_the_key_hash_of_its_events_as_partition_key()
    {
        var producer = new RecordingProducer();
        // Interleaved keys, and calls made with the master key (no key hash).
        var events = Enumerable.Range(0, 30).Select(i => SpendEvents.Of($"req-{i}", (i % 3) switch { 0 => KeyA, 1 => KeyB, _ => null })).ToList();

        await Sink(producer).WriteAsync(events, CancellationToken.None);

        Assert.Equal(3, producer.Sent.Count);
        Assert.All(producer.Sent, b => Assert.All(b.Events, e => Assert.Equal(b.PartitionKey, SpendDimensions.KeyOf(e))));
        Assert.Equal(new[] { KeyA, KeyB, SpendDimensions.NoKey }.Order(StringComparer.Ordinal), producer.Sent.Select(b => b.PartitionKey!).Order(StringComparer.Ordinal));
        // Each key's events keep the order they were handed off in.
        foreach (var b in producer.Sent)
            Assert.Equal(events.Where(e => SpendDimensions.KeyOf(e) == b.PartitionKey).Select(e => e.Id), b.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task A_single_event_goes_out_in_one_batch_keyed_by_its_key_hash()
    {
        var producer = new RecordingProducer();
        await Sink(producer).WriteAsync([SpendEvents.Of("req-1", KeyA)], CancellationToken.None);
        var sent = Assert.Single(producer.Sent);
        Assert.Equal(KeyA, sent.PartitionKey);
        Assert.Equal("req-1", Assert.Single(sent.Events).Id);
        Assert.Equal(["create " + KeyA, $"send {KeyA} 1"], producer.Operations);
    }

    [Fact]
    public async Task Splitting_at_the_size_limit_loses_no_event_and_duplicates_none()
    {
        // 8 KB batches and ~1.3 KB events: a 100-event write needs many batches per key.
        var producer = new RecordingProducer(maxBatchBytes: 8 * 1024);
        var events = Enumerable.Range(0, 100).Select(i => SpendEvents.Of($"req-{i:D3}", i % 4 == 0 ? KeyB : KeyA, bodyBytes: 600 + i * 7)).ToList();

        await Sink(producer).WriteAsync(events, CancellationToken.None);

        var sent = producer.Sent.SelectMany(b => b.Events).Select(e => e.Id).ToList();
        Assert.Equal(events.Count, sent.Count);
        Assert.Equal(events.Select(e => e.Id).Order(), sent.Order());
        Assert.True(producer.Sent.Count > 10, $"expected the write to be split, got {producer.Sent.Count} batches");
        Assert.All(producer.Sent, b => Assert.InRange(b.Bytes, 1, producer.MaxBatchBytes));
        // Each batch was full when it was closed: the next event of its key would not have fitted.
        foreach (var key in new[] { KeyA, KeyB })
        {
            var batches = producer.Sent.Where(b => b.PartitionKey == key).ToList();
            Assert.Equal(events.Where(e => e.KeyHash == key).Select(e => e.Id), batches.SelectMany(b => b.Events).Select(e => e.Id));
            for (var i = 0; i < batches.Count - 1; i++)
            {
                var next = EventHubsProducerSink.ToEventData(batches[i + 1].Events[0]).EventBody.ToMemory().Length + RecordingProducer.EventOverhead;
                Assert.True(batches[i].Bytes + next > producer.MaxBatchBytes, $"batch {i} of {key[..4]} closed early");
            }
        }
        Assert.All(producer.Sent.SelectMany(b => b.Events), e => Assert.NotNull(e.RequestBody));
    }

    [Fact]
    public async Task An_event_too_large_for_any_batch_is_sent_without_its_stored_bodies()
    {
        var producer = new RecordingProducer(maxBatchBytes: 4 * 1024);
        var log = new RecordingLogger<EventHubsProducerSink>();
        var events = new[] { SpendEvents.Of("small-1", KeyA, 100), SpendEvents.Of("huge", KeyA, 10_000), SpendEvents.Of("small-2", KeyA, 100) };

        await Sink(producer, log).WriteAsync(events, CancellationToken.None);

        var sent = producer.Sent.SelectMany(b => b.Events).ToList();
        Assert.Equal(["small-1", "huge", "small-2"], sent.Select(e => e.Id));
        var huge = sent.Single(e => e.Id == "huge");
        Assert.Null(huge.RequestBody);
        Assert.Equal(0.0000123m, huge.Spend);
        Assert.Equal(15, huge.TotalTokens);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("huge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crafted_end_user_id_cannot_keep_a_calls_spend_off_the_hub()
    {
        // The request's "user" field is free-form and reaches the event: 2 MB of it would make the event unsendable.
        var producer = new RecordingProducer(maxBatchBytes: 4 * 1024);
        var crafted = SpendEvents.Of("crafted-user", KeyA, 100) with { EndUser = new string('u', 2_000_000) };

        await Sink(producer).WriteAsync([crafted, SpendEvents.Of("next", KeyA)], CancellationToken.None);

        var sent = producer.Sent.SelectMany(b => b.Events).ToList();
        Assert.Equal(["crafted-user", "next"], sent.Select(e => e.Id));
        Assert.Equal(new string('u', EventHubsProducerSink.SlimEndUserLength), sent[0].EndUser);
        Assert.Equal((0.0000123m, KeyA), (sent[0].Spend, sent[0].KeyHash));
    }

    [Fact]
    public void Events_carry_their_json_and_request_id()
    {
        var e = SpendEvents.Of("req-json", KeyA);
        var data = EventHubsProducerSink.ToEventData(e);
        Assert.Equal("req-json", data.MessageId);
        Assert.Equal("application/json", data.ContentType);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(e, SpendJson.Default.SpendEvent), data.EventBody.ToString());
    }

    [Fact]
    public async Task Connecting_at_start_opens_the_partition_keyed_link_and_a_failure_is_only_logged()
    {
        var producer = new RecordingProducer();
        await Sink(producer).ConnectAsync(CancellationToken.None);
        Assert.Equal(["create " + SpendDimensions.NoKey], producer.Operations);
        Assert.Empty(producer.Sent);

        // A hub that cannot be reached: creating a batch needs the link, and the link cannot open.
        var failing = new RecordingProducer { OnCreate = () => throw new EventHubsException(true, "spend", "connection refused", EventHubsException.FailureReason.ServiceCommunicationProblem) };
        var log = new RecordingLogger<EventHubsProducerSink>();
        await Sink(failing, log).ConnectAsync(CancellationToken.None);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("could not connect", StringComparison.Ordinal)
            && e.Message.Contains("ns1.servicebus.windows.net/spend", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposing_the_sink_closes_the_producer()
    {
        var producer = new RecordingProducer();
        var sink = Sink(producer);
        await sink.WriteAsync([SpendEvents.Of("req-1", KeyA)], CancellationToken.None);
        await sink.DisposeAsync();
        Assert.Equal("close", producer.Operations[^1]);
    }
}
