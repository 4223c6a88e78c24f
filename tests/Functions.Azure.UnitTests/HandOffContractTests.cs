using Azure.Messaging.EventHubs;
using Gateway.Functions.Azure.Spend;
using Gateway.Spend;
using Gateway.Spend.Sinks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Functions.Azure.UnitTests;

/// <summary>
/// The SDK sink under the real <see cref="SpendHandOff"/>: the same group-commit and bounded-retry contract as the REST
/// transport (a failing hub is retried, then counted and logged, and never fails the call), and a shutdown that sends
/// what is pending before the producer closes.
/// </summary>
public sealed class HandOffContractTests
{
    private static readonly string Key = new('c', 64);

    private static readonly SpendHandOffOptions FastRetries = new() { Attempts = 3, Backoff = TimeSpan.Zero, AttemptTimeout = TimeSpan.FromSeconds(30) };

    private static (SpendHandOff HandOff, RecordingLogger<SpendHandOff> Log) HandOff(RecordingProducer producer, SpendHandOffOptions? options = null)
    {
        var log = new RecordingLogger<SpendHandOff>();
        var sink = new EventHubsProducerSink(producer, "amqp", "ns1.servicebus.windows.net/spend", new RecordingLogger<EventHubsProducerSink>());
        return (new SpendHandOff(sink, log, options ?? FastRetries), log);
    }

    private static EventHubsException Busy() => new(true, "spend", "The server is busy.", EventHubsException.FailureReason.ServiceBusy);

    [Fact]
    public async Task A_transient_failure_is_retried_and_the_event_sent_once()
    {
        var producer = new RecordingProducer { OnSend = (n, _) => n < 3 ? throw Busy() : Task.CompletedTask };
        var (handOff, _) = HandOff(producer);

        await handOff.HandOffAsync(SpendEvents.Of("req-1", Key));

        Assert.Equal(3, producer.SendCalls);
        Assert.Equal("req-1", Assert.Single(Assert.Single(producer.Sent).Events).Id);
        Assert.Equal((1L, 0L, 3L), (handOff.Counts.HandedOff, handOff.Counts.Lost, handOff.Counts.Batches));
    }

    [Fact]
    public async Task A_failing_hub_is_tried_the_bounded_number_of_times_then_counted_and_logged_and_never_throws()
    {
        var producer = new RecordingProducer { OnSend = (_, _) => throw Busy() };
        var (handOff, log) = HandOff(producer);

        await handOff.HandOffAsync(SpendEvents.Of("req-lost", Key)); // completes, does not throw

        Assert.Equal(FastRetries.Attempts, producer.SendCalls);
        Assert.Empty(producer.Sent);
        Assert.Equal((0L, 1L), (handOff.Counts.HandedOff, handOff.Counts.Lost));
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("req-lost", StringComparison.Ordinal)
            && e.Message.Contains("eventhubs (amqp)", StringComparison.Ordinal));
        Assert.Equal(FastRetries.Attempts - 1, log.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("retrying", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_hub_that_hangs_is_cut_off_by_the_attempt_timeout()
    {
        var producer = new RecordingProducer { OnSend = (_, ct) => Task.Delay(Timeout.Infinite, ct) };
        var (handOff, _) = HandOff(producer, FastRetries with { AttemptTimeout = TimeSpan.FromMilliseconds(50) });

        await handOff.HandOffAsync(SpendEvents.Of("req-hang", Key)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(FastRetries.Attempts, producer.SendCalls);
        Assert.Equal(1, handOff.Counts.Lost);
    }

    [Fact]
    public void The_sdk_client_retries_nothing_itself_and_each_try_gets_the_hand_offs_timeout()
    {
        var hub = new EventHubsSettings("ns1.servicebus.windows.net", "spend", EventHubsTransport.AmqpWebSockets, new Uri("https://ns1.servicebus.windows.net/spend"),
            new Uri("sb://gateway.contoso.internal:5671"));
        var options = EventHubsSdkTransport.Options(hub, new SpendHandOffOptions { AttemptTimeout = TimeSpan.FromSeconds(7) });
        Assert.Equal(0, options.RetryOptions.MaximumRetries);
        Assert.Equal(TimeSpan.FromSeconds(7), options.RetryOptions.TryTimeout);
        Assert.Equal(EventHubsTransportType.AmqpWebSockets, options.ConnectionOptions.TransportType);
        Assert.Equal(new Uri("sb://gateway.contoso.internal:5671"), options.ConnectionOptions.CustomEndpointAddress);
        Assert.Equal(EventHubsTransportType.AmqpTcp, EventHubsSdkTransport.Options(hub with { Transport = EventHubsTransport.Amqp, Endpoint = null }, new()).ConnectionOptions.TransportType);
    }

    [Fact]
    public async Task Calls_during_a_write_share_the_next_batch_and_each_event_is_sent_once()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = new RecordingProducer { OnSend = (n, _) => n == 1 ? gate.Task : Task.CompletedTask };
        var (handOff, _) = HandOff(producer);

        var first = handOff.HandOffAsync(SpendEvents.Of("req-0", Key));
        var rest = Enumerable.Range(1, 20).Select(i => handOff.HandOffAsync(SpendEvents.Of($"req-{i}", i % 2 == 0 ? Key : null))).ToList();
        Assert.False(first.IsCompleted);
        Assert.All(rest, t => Assert.False(t.IsCompleted)); // the hand-off completes only once the event is on the hub
        gate.SetResult();
        await Task.WhenAll([first, .. rest]);

        var ids = producer.Sent.SelectMany(b => b.Events).Select(e => e.Id).ToList();
        Assert.Equal(Enumerable.Range(0, 21).Select(i => $"req-{i}").Order(), ids.Order());
        // One write for the first call, one (two batches, one per key) for the twenty that waited behind it.
        Assert.Equal(2, handOff.Counts.Batches);
        Assert.Equal(3, producer.Sent.Count);
    }

    [Fact]
    public async Task Shutdown_sends_what_is_pending_before_the_producer_closes()
    {
        // The container the host builds: disposing it disposes the hand-off (which waits for its writes) before the sink.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = new RecordingProducer { OnSend = (n, _) => n == 1 ? gate.Task : Task.CompletedTask };
        var services = new ServiceCollection();
        services.AddSingleton<ILogger<SpendHandOff>>(new RecordingLogger<SpendHandOff>());
        services.AddSingleton(FastRetries);
        services.AddSingleton<ISpendSink>(_ => new EventHubsProducerSink(producer, "amqp", "ns1/spend", new RecordingLogger<EventHubsProducerSink>()));
        services.AddSingleton<SpendHandOff>();
        var provider = services.BuildServiceProvider();
        var handOff = provider.GetRequiredService<SpendHandOff>();

        var calls = Enumerable.Range(0, 10).Select(i => handOff.HandOffAsync(SpendEvents.Of($"req-{i}", Key))).ToList();
        var shutdown = provider.DisposeAsync().AsTask();
        await Task.Yield();
        Assert.False(shutdown.IsCompleted);
        Assert.DoesNotContain("close", producer.Operations);

        gate.SetResult();
        await shutdown.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"req-{i}"), producer.Sent.SelectMany(b => b.Events).Select(e => e.Id));
        Assert.Equal("close", producer.Operations[^1]);
        Assert.Single(producer.Operations, "close");
        Assert.Equal((10L, 0L), (handOff.Counts.HandedOff, handOff.Counts.Lost));
    }

    [Fact]
    public async Task Shutdown_waits_no_longer_than_its_bound_for_a_hub_that_hangs()
    {
        var producer = new RecordingProducer { OnSend = (_, ct) => Task.Delay(Timeout.Infinite, ct) };
        var (handOff, log) = HandOff(producer, FastRetries with { ShutdownFlushTimeout = TimeSpan.FromMilliseconds(100) });
        _ = handOff.HandOffAsync(SpendEvents.Of("req-stuck", Key));
        _ = handOff.HandOffAsync(SpendEvents.Of("req-queued", Key));

        await handOff.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("1 event(s) queued", StringComparison.Ordinal));
    }
}
