using Gateway.Config;
using Gateway.Stores.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Spend.Retention;

/// <summary>Spend-log retention: the store's purge, the cleanup, and on the embedded store its background timer.</summary>
public static class RetentionServices
{
    public static IServiceCollection AddSpendLogRetention(this IServiceCollection services, GatewayConfig config)
    {
        // The journaled embedded store registers the SQLite store itself; otherwise the spend store is the one to purge.
        services.TryAddSingleton<ISpendLogPurge>(sp =>
            sp.GetService<SqliteSpendStore>() ?? sp.GetRequiredService<Ingest.ISpendStore>() as ISpendLogPurge ?? NoPurge.Instance);
        services.TryAddSingleton<SpendLogCleanup>();
        // The function hosts' stores (Table Storage, DynamoDB) are cleaned from the platform timers (/sweeper, /events).
        if (config.Store.Kind == "sqlite" && config.SpendLogRetention.Period is not null)
            services.AddHostedService<SpendLogCleanupTimer>();
        return services;
    }

    /// <summary>A store that keeps no log of its own to purge.</summary>
    private sealed class NoPurge : ISpendLogPurge
    {
        public static readonly NoPurge Instance = new();
        public Task<PurgeResult> PurgeAsync(DateTimeOffset cutoff, int maxRows, CancellationToken ct = default) => Task.FromResult(PurgeResult.Nothing);
    }
}
