using Gateway.Config;

namespace Gateway.Spend;

/// <summary>
/// Where spend events go, from the environment. <c>GATEWAY_SPEND_SINK</c>: <c>store</c> (default: straight into the
/// store <c>GATEWAY_STORE</c> names, the embedded and AWS setting) or <c>eventhubs</c> (Azure: onto the hub the
/// spend-ingest function reads; see <see cref="Sinks.EventHubsSettings"/>). <c>GATEWAY_SPEND_ROLLUPS</c>: <c>inline</c>
/// (default: the hand-off writes the log and the rollups) or <c>stream</c> (DynamoDB: the hand-off is one conditional
/// write of the log item, and the table's stream, delivered to <c>/events</c>, adds the rollups).
/// <c>GATEWAY_SPEND_JOURNAL_MAX_MB</c> (default 256) bounds the embedded journal's backlog (see <see cref="Spool.SpendSpool"/>).
/// </summary>
public sealed record SpendSettings
{
    public const string StoreSink = "store";
    public const string EventHubsSink = "eventhubs";

    public string Sink { get; init; } = StoreSink;
    /// <summary>The hub and transport, when <see cref="Sink"/> is <c>eventhubs</c>.</summary>
    public Sinks.EventHubsSettings? EventHubs { get; init; }
    public bool RollupsFromStream { get; init; }
    public long JournalMaxBytes { get; init; } = Spool.SpendSpool.DefaultMaxBytes;

    public static SpendSettings From(Func<string, string?> env)
    {
        string? Get(string name) => env(name) is { Length: > 0 } v ? v : null;
        var sink = (Get("GATEWAY_SPEND_SINK") ?? StoreSink).ToLowerInvariant();
        // The store kinds name the store sink too, as deployment templates tend to say where spend lands.
        if (sink is "sqlite" or "tables" or "dynamodb") sink = StoreSink;
        if (sink is not (StoreSink or EventHubsSink))
            throw new ConfigException("environment", [$"GATEWAY_SPEND_SINK: '{sink}' is not a spend sink; use store or eventhubs."]);
        var rollups = (Get("GATEWAY_SPEND_ROLLUPS") ?? "inline").ToLowerInvariant();
        if (rollups is not ("inline" or "stream"))
            throw new ConfigException("environment", [$"GATEWAY_SPEND_ROLLUPS: '{rollups}' must be inline or stream."]);
        if (rollups == "stream" && (sink != StoreSink || !string.Equals(Get("GATEWAY_STORE"), "dynamodb", StringComparison.OrdinalIgnoreCase)))
            throw new ConfigException("environment", ["GATEWAY_SPEND_ROLLUPS=stream needs GATEWAY_STORE=dynamodb and the store sink (the table's stream delivers the rollups)."]);
        var journalMax = Spool.SpendSpool.DefaultMaxBytes;
        if (Get("GATEWAY_SPEND_JOURNAL_MAX_MB") is { } mb)
        {
            if (!double.TryParse(mb, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1 || n > 100_000)
                throw new ConfigException("environment", [$"GATEWAY_SPEND_JOURNAL_MAX_MB: '{mb}' must be a number of megabytes from 1 to 100000."]);
            journalMax = (long)(n * 1024 * 1024);
        }
        if (sink == StoreSink) return new SpendSettings { RollupsFromStream = rollups == "stream", JournalMaxBytes = journalMax };
        return new SpendSettings { Sink = EventHubsSink, EventHubs = Sinks.EventHubsSettings.From(Get) };
    }
}
