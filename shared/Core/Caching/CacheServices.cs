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
        services.AddSingleton<IResponseCacheStore>(_ => new LocalResponseCache(settings.MaxEntries, settings.MaxBytes));
        services.AddSingleton<ResponseCacheHook>();
        services.AddSingleton<ICallHook>(sp => sp.GetRequiredService<ResponseCacheHook>());
        return services;
    }

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
