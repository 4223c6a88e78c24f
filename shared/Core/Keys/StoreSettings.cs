using Gateway.Config;

namespace Gateway.Keys;

/// <summary>
/// Which store holds keys and counters, from the environment: <c>GATEWAY_STORE=sqlite|tables|dynamodb</c> (default
/// <c>sqlite</c>), with <c>GATEWAY_SQLITE_PATH</c> (default <c>.gateway/gateway.db</c> under the working directory),
/// <c>GATEWAY_TABLES_CONNECTION_STRING</c> / <c>AzureWebJobsStorage</c> or <c>GATEWAY_TABLES_ENDPOINT</c> (else the
/// Functions host's identity-based <c>AzureWebJobsStorage__tableServiceUri</c> or <c>AzureWebJobsStorage__accountName</c>),
/// <c>GATEWAY_DYNAMODB_ENDPOINT</c>, <c>AWS_REGION</c>, and <c>GATEWAY_TABLE_PREFIX</c> (default <c>gateway</c>).
/// <c>GATEWAY_KEY_CACHE_SECONDS</c> sets the key cache lifetime (default 5, at most 5).
/// </summary>
public sealed record StoreSettings
{
    public string Kind { get; init; } = "sqlite";
    public string SqlitePath { get; init; } = Path.Combine(".gateway", "gateway.db");
    public string? TablesConnectionString { get; init; }
    public string? TablesEndpoint { get; init; }
    public string? DynamoDbEndpoint { get; init; }
    public string? AwsRegion { get; init; }
    public string TablePrefix { get; init; } = "gateway";
    public TimeSpan KeyCacheTtl { get; init; } = TimeSpan.FromSeconds(KeyCache.DefaultTtlSeconds);

    /// <summary><c>GATEWAY_TENANT</c>: the tenant this app serves, written on spend items where tenants share a table.</summary>
    public string? Tenant { get; init; }

    public static StoreSettings From(Func<string, string?> env)
    {
        string? Get(string name) => env(name) is { Length: > 0 } v ? v : null;
        var kind = (Get("GATEWAY_STORE") ?? "sqlite").ToLowerInvariant();
        if (kind is not ("sqlite" or "tables" or "dynamodb"))
            throw new ConfigException("environment", [$"GATEWAY_STORE: '{kind}' is not a store; use sqlite, tables or dynamodb."]);
        if (Stores.StoreAvailability.Missing(kind) is { } missing)
            throw new ConfigException("environment", [missing]);
        var ttl = KeyCache.DefaultTtlSeconds;
        if (Get("GATEWAY_KEY_CACHE_SECONDS") is { } t &&
            (!double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out ttl) || ttl < 0 || ttl > 5))
            throw new ConfigException("environment", [$"GATEWAY_KEY_CACHE_SECONDS: '{t}' must be a number of seconds from 0 to 5."]);
        var s = new StoreSettings
        {
            Kind = kind,
            TablesConnectionString = Get("GATEWAY_TABLES_CONNECTION_STRING") ?? Get("AzureWebJobsStorage"),
            TablesEndpoint = Get("GATEWAY_TABLES_ENDPOINT") ?? Get("AzureWebJobsStorage__tableServiceUri")
                ?? (Get("AzureWebJobsStorage__accountName") is { } account ? $"https://{account}.table.core.windows.net" : null),
            DynamoDbEndpoint = Get("GATEWAY_DYNAMODB_ENDPOINT"),
            AwsRegion = Get("AWS_REGION") ?? Get("AWS_DEFAULT_REGION"),
            TablePrefix = Get("GATEWAY_TABLE_PREFIX") ?? "gateway",
            KeyCacheTtl = TimeSpan.FromSeconds(ttl),
            Tenant = Get("GATEWAY_TENANT"),
        };
        if (Get("GATEWAY_SQLITE_PATH") is { } path) s = s with { SqlitePath = path };
        if (kind == "tables" && s.TablesConnectionString is null && s.TablesEndpoint is null)
            throw new ConfigException("environment", ["GATEWAY_STORE=tables needs GATEWAY_TABLES_CONNECTION_STRING (or AzureWebJobsStorage) or GATEWAY_TABLES_ENDPOINT."]);
        return s;
    }
}
