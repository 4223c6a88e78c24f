using Gateway.Identity;
using Gateway.Config;
using Gateway.Keys;
using Gateway.Pricing;
using Gateway.Providers.Azure;
using Gateway.Spend.Api;
using Gateway.Spend.Ingest;
using Gateway.Spend.Retention;
using Gateway.Spend.Sinks;
using Gateway.Spend.Spool;
using Gateway.Stores.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

using Gateway.Limits;

namespace Gateway.Spend;

/// <summary>Pricing, the spend recorder and hand-off, the configured sink and store, ingest, and the spend API.</summary>
public static class SpendServices
{
    public static IServiceCollection AddSpend(this IServiceCollection services, GatewayConfig config)
    {
        services.TryAddSingleton(sp => new PriceBook(sp.GetRequiredService<GatewayConfig>()));
        services.TryAddSingleton<IModelPrices>(sp => sp.GetRequiredService<PriceBook>());
        var journaled = config.Store.Kind == "sqlite" && config.Spend.Sink == SpendSettings.StoreSink;
        if (journaled)
        {
            // Embedded: the hand-off is a journal append; the journal moves into SQLite off the request path.
            services.TryAddSingleton(_ => new SqliteSpendStore(config.Store.SqlitePath));
            services.TryAddSingleton(sp => new SpendSpool(
                Path.Combine(Path.GetDirectoryName(Path.GetFullPath(config.Store.SqlitePath))!, "spool"),
                sp.GetRequiredService<SqliteSpendStore>(), sp.GetRequiredService<ILogger<SpendSpool>>(),
                config.Spend.JournalMaxBytes, sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton<SpoolDrainer>();
            services.AddHostedService(sp => sp.GetRequiredService<SpoolDrainer>());
            services.TryAddSingleton<ISpendStore>(sp => new SpooledSpendStore(sp.GetRequiredService<SqliteSpendStore>(), sp.GetRequiredService<SpendSpool>()));
            services.TryAddSingleton<ISpendSink>(sp => new SpoolSpendSink(sp.GetRequiredService<SpendSpool>(), sp.GetRequiredService<SpoolDrainer>()));
        }
        services.TryAddSingleton<ISpendStore>(_ => SpendStoreFactory.Create(config.Store, config.SpendLogRetention));
        services.TryAddSingleton<SpendIngest>();
        services.TryAddKeyedSingleton(EventHubsSpendSink.Scope, (_, _) => new AzureTokenSource(() => new AppIdentityCredential(), EventHubsSpendSink.Scope));
        services.TryAddSingleton<ISpendSink>(sp => config.Spend.EventHubs is { } hub
            ? EventHubsSink(sp, hub)
            : new StoreSpendSink(sp.GetRequiredService<SpendIngest>(), config.Store.Kind,
                config.Spend.RollupsFromStream ? (ISpendLogAppender)sp.GetRequiredService<ISpendStore>() : null));
        services.TryAddSingleton(new SpendHandOffOptions());
        services.TryAddSingleton<SpendHandOff>();
        services.TryAddSingleton(config.SpendBodies);
        services.TryAddSingleton(new SpendLogOptions(config.DisableSpendLogs));
        services.TryAddSingleton<SpendRecorder>();
        services.TryAddSingleton<SpendSummary>();
        services.TryAddSingleton<SpendEndpoints>();
        services.AddSpendLogRetention(config);
        return services;
    }

    /// <summary>REST is built in; the SDK transports come from the host (<see cref="IEventHubsSdkTransport"/>).</summary>
    private static ISpendSink EventHubsSink(IServiceProvider sp, EventHubsSettings hub)
    {
        if (hub.Transport == EventHubsTransport.Rest)
            return new EventHubsSpendSink(sp.GetRequiredService<Providers.UpstreamClient>().Http, hub.RestUri,
                sp.GetRequiredKeyedService<AzureTokenSource>(EventHubsSpendSink.Scope));
        return sp.GetService<IEventHubsSdkTransport>()?.CreateSink(hub) ?? throw new Hosting.StartupException(
            $"GATEWAY_EVENTHUBS_TRANSPORT={hub.Transport.ToString().ToLowerInvariant()} needs the Event Hubs SDK, which only the Azure host carries; use GATEWAY_EVENTHUBS_TRANSPORT=rest on this host.");
    }

    /// <summary>LiteLLM's spend routes: master key, or a virtual key reading its own spend.</summary>
    public static IEndpointRouteBuilder MapSpend(this IEndpointRouteBuilder app)
    {
        // Resolved now so a bad model_info price stops start-up with its message, not the first call.
        app.ServiceProvider.GetRequiredService<PriceBook>();
        app.ServiceProvider.GetRequiredService<SpendHandOff>();
        var spend = app.ServiceProvider.GetRequiredService<SpendEndpoints>();
        app.MapGet("/spend/logs", spend.LogsAsync);
        app.MapGet("/global/spend/report", spend.ReportAsync);
        app.MapGet("/global/spend/keys", spend.KeysAsync);
        app.MapGet("/global/spend/models", spend.ModelsAsync);
        app.MapGet("/global/spend/summary", spend.SummaryAsync);
        return app;
    }
}

/// <summary>The spend store beside the governance store of the same kind.</summary>
public static class SpendStoreFactory
{
    /// <param name="retention">Sets the DynamoDB log items' TTL; the other stores delete on the cleanup timer.</param>
    public static ISpendStore Create(StoreSettings s, SpendLogRetention? retention = null) => s.Kind switch
    {
        "tables" when Stores.StoreAvailability.Tables => Stores.Tables.TableSpendStore.Create(s),
        "dynamodb" when Stores.StoreAvailability.DynamoDb => Stores.DynamoDb.DynamoSpendStore.Create(s, retention),
        "sqlite" => new SqliteSpendStore(s.SqlitePath),
        _ => throw new InvalidOperationException(Stores.StoreAvailability.Missing(s.Kind) ?? $"'{s.Kind}' is not a store."),
    };
}
