using Gateway.Config;
using Gateway.Responses.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Responses;

/// <summary>Registers the Responses API (its endpoint and the store of kept responses) and legacy completions, and maps their routes.</summary>
public static class ResponsesServices
{
    public static IServiceCollection AddResponses(this IServiceCollection services, GatewayConfig config)
    {
        services.AddSingleton(config.StoredResponses);
        services.AddSingleton(sp => new ResponseKeeper(Store(config.Store), config.StoredResponses,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ResponseKeeper>>()));
        services.AddSingleton<ResponsesEndpoint>();
        services.AddSingleton<StoredResponsesEndpoints>();
        services.AddSingleton<Completions.CompletionsEndpoint>();
        return services;
    }

    /// <summary>The kept responses' table on the store the gateway runs on (<c>GATEWAY_STORE</c>).</summary>
    private static IStoredResponses Store(Keys.StoreSettings store) => store.Kind switch
    {
        // Guarded like the other stores, so each app's publish trims the other cloud's table (Stores/StoreAvailability).
        "tables" when Gateway.Stores.StoreAvailability.Tables => TableStoredResponses.Create(store),
        "dynamodb" when Gateway.Stores.StoreAvailability.DynamoDb => DynamoStoredResponses.Create(store),
        "sqlite" => new SqliteStoredResponses(store.SqlitePath),
        _ => throw new InvalidOperationException(Gateway.Stores.StoreAvailability.Missing(store.Kind) ?? $"'{store.Kind}' is not a store."),
    };

    public static IEndpointRouteBuilder MapResponses(this IEndpointRouteBuilder app)
    {
        var responses = app.ServiceProvider.GetRequiredService<ResponsesEndpoint>();
        var stored = app.ServiceProvider.GetRequiredService<StoredResponsesEndpoints>();
        var completions = app.ServiceProvider.GetRequiredService<Completions.CompletionsEndpoint>();
        foreach (var prefix in new[] { "/v1", "" })
        {
            app.MapPost(prefix + "/responses", responses.HandleAsync);
            app.MapGet(prefix + "/responses/{id}", stored.GetAsync);
            app.MapDelete(prefix + "/responses/{id}", stored.DeleteAsync);
            app.MapGet(prefix + "/responses/{id}/input_items", stored.InputItemsAsync);
            app.MapPost(prefix + "/completions", completions.HandleAsync);
        }
        return app;
    }
}
