using Gateway.Caching.Semantic;
using Gateway.Caching.Stores;
using Gateway.Config;
using Gateway.Pipeline;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Caching;

/// <summary>Registers the response cache (a call hook and its store) when <c>litellm_settings.cache</c> is on, and maps its admin routes.</summary>
public static class CacheServices
{
    public static IServiceCollection AddResponseCache(this IServiceCollection services, GatewayConfig config)
    {
        var settings = config.Cache;
        services.AddSingleton(settings);
        services.AddSingleton<CacheEndpoints>();
        if (!settings.Enabled) return services;
        services.AddSingleton<IResponseCacheStore>(sp => settings.Type == CacheType.Local
            ? new LocalResponseCache(settings.MaxEntries, settings.MaxBytes)
            : new StoreResponseCache(Remote(config.Store), new LocalResponseCache(Math.Min(settings.MaxEntries, FrontEntries), FrontBytes),
                sp.GetRequiredService<TimeProvider>()));
        if (settings.Type == CacheType.Semantic)
        {
            services.AddSingleton(new SemanticIndex(settings.MaxSemanticEntries));
            services.AddSingleton(Vectors(config.Store));
            services.AddSingleton<PromptEmbedder>();
            services.AddSingleton<SemanticCache>();
        }
        services.AddSingleton(sp => new ResponseCacheHook(settings, sp.GetRequiredService<IResponseCacheStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<SemanticCache>()));
        services.AddSingleton<ICallHook>(sp => sp.GetRequiredService<ResponseCacheHook>());
        return services;
    }

    /// <summary>The store-backed cache's memory front: small, it only saves round trips on hot entries.</summary>
    private const int FrontEntries = 200;
    private const long FrontBytes = 8L * 1024 * 1024;

    /// <summary>The cache table of the store the gateway runs on (<c>GATEWAY_STORE</c>).</summary>
    private static IResponseCacheStore Remote(Keys.StoreSettings store) => store.Kind switch
    {
        // Guarded like the other stores, so each app's publish trims the other cloud's cache table (Stores/StoreAvailability).
        "tables" when Gateway.Stores.StoreAvailability.Tables => TableResponseCache.Create(store),
        "dynamodb" when Gateway.Stores.StoreAvailability.DynamoDb => DynamoResponseCache.Create(store),
        "sqlite" => new SqliteResponseCache(store.SqlitePath),
        _ => throw new InvalidOperationException(Gateway.Stores.StoreAvailability.Missing(store.Kind) ?? $"'{store.Kind}' is not a store."),
    };

    /// <summary>The prompt vectors of <c>type: semantic</c>, in the same store as the answers.</summary>
    private static ISemanticVectorStore Vectors(Keys.StoreSettings store) => store.Kind switch
    {
        "tables" when Gateway.Stores.StoreAvailability.Tables => TableSemanticVectors.Create(store),
        "dynamodb" when Gateway.Stores.StoreAvailability.DynamoDb => DynamoSemanticVectors.Create(store),
        "sqlite" => new SqliteSemanticVectors(store.SqlitePath),
        _ => throw new InvalidOperationException(Gateway.Stores.StoreAvailability.Missing(store.Kind) ?? $"'{store.Kind}' is not a store."),
    };

    public static IEndpointRouteBuilder MapResponseCache(this IEndpointRouteBuilder app)
    {
        var cache = app.ServiceProvider.GetRequiredService<CacheEndpoints>();
        app.MapGet("/cache/ping", cache.PingAsync);
        app.MapPost("/cache/delete", cache.DeleteAsync);
        app.MapPost("/cache/flush", cache.FlushAsync);
        app.MapPost("/cache/flushall", cache.FlushAsync);
        return app;
    }
}
