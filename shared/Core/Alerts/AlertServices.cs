using Gateway.Alerts.Api;
using Gateway.Alerts.Delivery;
using Gateway.Alerts.State;
using Gateway.Config;
using Gateway.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Gateway.Alerts;

/// <summary>The alert rules, their delivery and history in the configured store, the local loop, and the alert routes.</summary>
public static class AlertServices
{
    public static IServiceCollection AddAlerts(this IServiceCollection services, GatewayConfig config)
    {
        services.TryAddSingleton(config.Alerting);
        services.TryAddSingleton(sp => sp.GetRequiredService<IGovernanceStore>() as IAlertStore
            ?? throw new InvalidOperationException("The configured store keeps no alert history."));
        services.TryAddSingleton<AlertHttp>();
        services.TryAddSingleton<AlertDispatcher>();
        services.TryAddSingleton(sp => new AlertEngine(sp.GetRequiredService<IGovernanceStore>(), sp.GetRequiredService<IAlertStore>(),
            sp.GetRequiredService<Spend.Ingest.ISpendStore>(), sp.GetRequiredService<AlertDispatcher>(), config.Alerting, config.ProxyBudget,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AlertEngine>>()));
        services.TryAddSingleton<AlertEndpoints>();
        services.TryAddSingleton<ForecastEndpoint>();
        // The function hosts run the rules from their triggers and schedules (/spend-ingest, /alerts, /events); the
        // embedded gateway runs them in a loop once there is a channel to tell.
        if (config.Store.Kind == "sqlite" && config.Alerting.Channels.Count > 0) services.AddHostedService<LocalAlertLoop>();
        return services;
    }

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        var alerts = app.ServiceProvider.GetRequiredService<AlertEndpoints>();
        app.MapGet("/alerts", alerts.ListAsync);
        app.MapPost("/alerts/test", alerts.TestAsync);
        app.MapGet("/spend/forecast", app.ServiceProvider.GetRequiredService<ForecastEndpoint>().GetAsync);
        return app;
    }
}
