using Gateway.Config;

namespace Gateway.Spend;

/// <summary>
/// Where spend events go, from the environment. <c>GATEWAY_SPEND_SINK</c>: <c>store</c> (default: straight into the
/// store <c>GATEWAY_STORE</c> names, the embedded and AWS setting) or <c>eventhubs</c> (Azure: onto the hub the
/// spend-ingest function reads), with <c>GATEWAY_EVENTHUBS_NAMESPACE</c> (<c>name</c>, <c>name.servicebus.windows.net</c>
/// or a full URL) and <c>GATEWAY_EVENTHUBS_HUB</c> (default <c>spend</c>).
/// </summary>
public sealed record SpendSettings
{
    public const string StoreSink = "store";
    public const string EventHubsSink = "eventhubs";

    public string Sink { get; init; } = StoreSink;
    public Uri? EventHubUri { get; init; }

    public static SpendSettings From(Func<string, string?> env)
    {
        string? Get(string name) => env(name) is { Length: > 0 } v ? v : null;
        var sink = (Get("GATEWAY_SPEND_SINK") ?? StoreSink).ToLowerInvariant();
        // The store kinds name the store sink too, as deployment templates tend to say where spend lands.
        if (sink is "sqlite" or "tables" or "dynamodb") sink = StoreSink;
        if (sink is not (StoreSink or EventHubsSink))
            throw new ConfigException("environment", [$"GATEWAY_SPEND_SINK: '{sink}' is not a spend sink; use store or eventhubs."]);
        if (sink == StoreSink) return new SpendSettings();
        var ns = Get("GATEWAY_EVENTHUBS_NAMESPACE")
            ?? throw new ConfigException("environment", ["GATEWAY_SPEND_SINK=eventhubs needs GATEWAY_EVENTHUBS_NAMESPACE (the Event Hubs namespace)."]);
        var hub = Get("GATEWAY_EVENTHUBS_HUB") ?? "spend";
        var baseUri = ns.Contains("://", StringComparison.Ordinal) ? ns.TrimEnd('/')
            : ns.Contains('.', StringComparison.Ordinal) ? "https://" + ns : $"https://{ns}.servicebus.windows.net";
        if (!Uri.TryCreate($"{baseUri}/{Uri.EscapeDataString(hub)}", UriKind.Absolute, out var uri))
            throw new ConfigException("environment", [$"GATEWAY_EVENTHUBS_NAMESPACE: '{ns}' is not a namespace name or URL."]);
        return new SpendSettings { Sink = EventHubsSink, EventHubUri = uri };
    }
}
