using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Triggers;

/// <summary>The platform's non-HTTP entry points: Azure custom-handler functions and the Lambda Web Adapter pass-through.</summary>
public static class TriggerServices
{
    public static IServiceCollection AddTriggers(this IServiceCollection services)
    {
        services.TryAddSingleton<TriggerGuard>();
        services.TryAddSingleton<AzureTriggerEndpoints>();
        services.TryAddSingleton<AwsEventsEndpoint>();
        return services;
    }

    /// <summary>
    /// <c>/spend-ingest</c>, <c>/sweeper</c>, <c>/alerts</c> (function names in functions/azure) and <c>/events</c>
    /// (<c>AWS_LWA_PASS_THROUGH_PATH</c>). Both hosts map all four: one binary, and the routes are harmless where unused.
    /// </summary>
    public static IEndpointRouteBuilder MapTriggers(this IEndpointRouteBuilder app)
    {
        var azure = app.ServiceProvider.GetRequiredService<AzureTriggerEndpoints>();
        var aws = app.ServiceProvider.GetRequiredService<AwsEventsEndpoint>();
        app.MapPost("/spend-ingest", azure.SpendIngestAsync);
        app.MapPost("/sweeper", azure.SweeperAsync);
        app.MapPost("/alerts", azure.AlertsAsync);
        app.MapPost("/events", aws.HandleAsync);
        return app;
    }
}
