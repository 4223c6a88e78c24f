using Gateway.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Gateway.Spend;
using Gateway.Spend.Sinks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Functions.Azure.Spend;

/// <summary>
/// The Event Hubs SDK transports (<c>amqp</c>, <c>amqpwebsockets</c>) for Core's spend sink seam. The SDK and its AMQP
/// stack live here, in the Azure host, not in Core: Core is linked into the AWS binary too, which has no use for them.
/// Creates the process's one producer with the app's identity (managed identity in Azure: <c>AZURE_CLIENT_ID</c> picks
/// the user-assigned one), and at start connects it in the background, off the first call's path.
/// </summary>
public sealed class EventHubsSdkTransport(IServiceProvider services, SpendHandOffOptions handOff, ILogger<EventHubsProducerSink> log)
    : IEventHubsSdkTransport, IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private EventHubsProducerSink? _sink;

    public ISpendSink CreateSink(EventHubsSettings hub)
    {
        var producer = new EventHubProducerClient(hub.FullyQualifiedNamespace, hub.HubName, new AppIdentityCredential(), Options(hub, handOff));
        var transport = hub.Transport == EventHubsTransport.AmqpWebSockets ? "amqpwebsockets" : "amqp";
        return _sink = new EventHubsProducerSink(producer, transport, $"{hub.FullyQualifiedNamespace}/{hub.HubName}", log);
    }

    public static EventHubProducerClientOptions Options(EventHubsSettings hub, SpendHandOffOptions handOff) => new()
    {
        ConnectionOptions = new EventHubConnectionOptions
        {
            TransportType = hub.Transport == EventHubsTransport.AmqpWebSockets ? EventHubsTransportType.AmqpWebSockets : EventHubsTransportType.AmqpTcp,
            CustomEndpointAddress = hub.Endpoint,
        },
        // One retry policy, the hand-off's: its attempts and per-attempt timeout bound how long a failing hub can hold a
        // response, exactly as with the REST transport. The SDK's own retries nested inside would multiply them.
        RetryOptions = new EventHubsRetryOptions { MaximumRetries = 0, TryTimeout = handOff.AttemptTimeout },
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the sink creates it when the Event Hubs SDK transport is configured; otherwise there is nothing to warm.
        services.GetRequiredService<ISpendSink>();
        if (_sink is { } sink) _ = Task.Run(() => sink.ConnectAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose() => _stopping.Dispose();
}

/// <summary>The Azure host's registration of the SDK transports.</summary>
public static class EventHubsSdkServices
{
    public static IServiceCollection AddEventHubsSdkTransport(this IServiceCollection services)
    {
        services.AddSingleton<EventHubsSdkTransport>();
        services.AddSingleton<IEventHubsSdkTransport>(sp => sp.GetRequiredService<EventHubsSdkTransport>());
        services.AddHostedService(sp => sp.GetRequiredService<EventHubsSdkTransport>());
        return services;
    }
}
