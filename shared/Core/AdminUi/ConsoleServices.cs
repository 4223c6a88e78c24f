using Gateway.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.AdminUi;

/// <summary>The admin console at <c>/ui</c>, unless <c>general_settings.ui: false</c>. It reads the same admin API as any client.</summary>
public static class ConsoleServices
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleAssets>();
        services.AddSingleton<ConsoleEndpoints>();
        return services;
    }

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app, GatewayConfig config)
    {
        if (!config.Ui) return app;
        var console = app.ServiceProvider.GetRequiredService<ConsoleEndpoints>();
        string[] read = ["GET", "HEAD"];
        app.MapMethods("/ui", read, console.PageAsync);
        app.MapMethods("/ui/assets/{name}", read, console.AssetAsync);
        return app;
    }
}
