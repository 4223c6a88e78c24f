using Gateway.Config;
using Gateway.Limits;
using Gateway.Keys.Api;
using Gateway.Stores.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Keys;

/// <summary>Virtual keys, budgets and rate limits: the store chosen by <see cref="StoreSettings"/>, the checks, and the management API.</summary>
public static class GovernanceServices
{
    public static IServiceCollection AddGovernance(this IServiceCollection services, StoreSettings settings)
    {
        services.TryAddSingleton(settings);
        services.TryAddSingleton<IGovernanceStore>(_ => StoreFactory.Create(settings));
        services.TryAddSingleton(sp => new LimitSettings { UnpricedModels = sp.GetRequiredService<GatewayConfig>().UnpricedModels });
        services.TryAddSingleton(sp => new KeyCache(sp.GetRequiredService<IGovernanceStore>(), sp.GetRequiredService<TimeProvider>(), settings.KeyCacheTtl));
        services.TryAddSingleton<CallLimiter>();
        services.TryAddSingleton<ReservationSweeper>();
        services.TryAddSingleton<AdminRequest>();
        services.TryAddSingleton<KeyEndpoints>();
        services.TryAddSingleton<TeamUserEndpoints>();
        return services;
    }

    /// <summary>Maps LiteLLM's management routes (master key only).</summary>
    public static IEndpointRouteBuilder MapGovernance(this IEndpointRouteBuilder app)
    {
        var keys = app.ServiceProvider.GetRequiredService<KeyEndpoints>();
        var teams = app.ServiceProvider.GetRequiredService<TeamUserEndpoints>();
        app.MapPost("/key/generate", keys.GenerateAsync);
        app.MapPost("/key/update", keys.UpdateAsync);
        app.MapPost("/key/delete", keys.DeleteAsync);
        app.MapPost("/key/regenerate", keys.RegenerateAsync);
        app.MapGet("/key/info", keys.InfoAsync);
        app.MapGet("/key/list", keys.ListAsync);
        app.MapPost("/team/new", teams.NewTeamAsync);
        app.MapPost("/team/update", teams.UpdateTeamAsync);
        app.MapPost("/team/delete", teams.DeleteTeamAsync);
        app.MapGet("/team/info", teams.TeamInfoAsync);
        app.MapPost("/user/new", teams.NewUserAsync);
        app.MapGet("/user/info", teams.UserInfoAsync);
        return app;
    }
}

/// <summary>Builds the configured store.</summary>
public static class StoreFactory
{
    public static IGovernanceStore Create(StoreSettings s) => s.Kind switch
    {
        "tables" => Stores.Tables.TableGovernanceStore.Create(s),
        "dynamodb" => Stores.DynamoDb.DynamoGovernanceStore.Create(s),
        _ => new SqliteGovernanceStore(s.SqlitePath),
    };
}

/// <summary>Releases reservations whose settle never came. Host-agnostic: a timer function, or the local loop, calls <see cref="SweepAsync"/>.</summary>
public sealed class ReservationSweeper(IGovernanceStore store, TimeProvider time)
{
    public Task<int> SweepAsync(CancellationToken ct = default) => store.SweepAsync(time.GetUtcNow(), ct);
}
