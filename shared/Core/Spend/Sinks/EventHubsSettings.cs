using Gateway.Config;

namespace Gateway.Spend.Sinks;

/// <summary>How spend events travel to Event Hubs.</summary>
public enum EventHubsTransport
{
    /// <summary>The Event Hubs SDK over AMQP on port 5671: one warm connection per instance (the default).</summary>
    Amqp,

    /// <summary>The Event Hubs SDK over AMQP inside WebSockets on port 443, for networks that open only HTTPS.</summary>
    AmqpWebSockets,

    /// <summary>The REST send-batch API over HTTPS: one request per batch, no SDK.</summary>
    Rest,
}

/// <summary>
/// The hub spend events go to, from the environment. <c>GATEWAY_EVENTHUBS_NAMESPACE</c> (or the Functions host's
/// <c>SpendEventHub__fullyQualifiedNamespace</c>, which the Bicep sets to the same value): <c>name</c>,
/// <c>name.servicebus.windows.net</c> or a full URL. <c>GATEWAY_EVENTHUBS_HUB</c> (default <c>spend</c>).
/// <c>GATEWAY_EVENTHUBS_TRANSPORT</c>: <c>amqp</c> (default), <c>amqpwebsockets</c> or <c>rest</c>.
/// <c>GATEWAY_EVENTHUBS_ENDPOINT</c> (optional, SDK transports): the address to connect to instead of the namespace's
/// own, for an application gateway or private endpoint with its own name; the namespace still names the hub.
/// </summary>
public sealed record EventHubsSettings(string FullyQualifiedNamespace, string HubName, EventHubsTransport Transport, Uri RestUri, Uri? Endpoint)
{
    public const string DefaultHub = "spend";

    public static EventHubsTransport ParseTransport(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "amqp" => EventHubsTransport.Amqp,
        "amqpwebsockets" => EventHubsTransport.AmqpWebSockets,
        "rest" => EventHubsTransport.Rest,
        _ => throw new ConfigException("environment", [$"GATEWAY_EVENTHUBS_TRANSPORT: '{value}' is not a transport; use amqp, amqpwebsockets or rest."]),
    };

    public static EventHubsSettings From(Func<string, string?> get)
    {
        var transport = ParseTransport(get("GATEWAY_EVENTHUBS_TRANSPORT"));
        var ns = get("GATEWAY_EVENTHUBS_NAMESPACE") ?? get("SpendEventHub__fullyQualifiedNamespace")
            ?? throw new ConfigException("environment", ["GATEWAY_SPEND_SINK=eventhubs needs GATEWAY_EVENTHUBS_NAMESPACE (the Event Hubs namespace)."]);
        var hub = get("GATEWAY_EVENTHUBS_HUB") ?? DefaultHub;
        var baseUri = ns.Contains("://", StringComparison.Ordinal) ? ns.TrimEnd('/')
            : ns.Contains('.', StringComparison.Ordinal) ? "https://" + ns : $"https://{ns}.servicebus.windows.net";
        if (!Uri.TryCreate($"{baseUri}/{Uri.EscapeDataString(hub)}", UriKind.Absolute, out var rest) || rest.Host.Length == 0)
            throw new ConfigException("environment", [$"GATEWAY_EVENTHUBS_NAMESPACE: '{ns}' is not a namespace name or URL."]);
        Uri? endpoint = null;
        if (get("GATEWAY_EVENTHUBS_ENDPOINT") is { } e && (!Uri.TryCreate(e, UriKind.Absolute, out endpoint) || endpoint.Host.Length == 0))
            throw new ConfigException("environment", [$"GATEWAY_EVENTHUBS_ENDPOINT: '{e}' is not an absolute URL such as sb://gateway.example.com."]);
        // The SDK takes the namespace as a host name; a URL given for REST (a test server, say) contributes its host.
        return new EventHubsSettings(rest.Host, hub, transport, rest, endpoint);
    }
}
