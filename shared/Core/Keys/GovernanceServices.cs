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
        services.TryAddSingleton(sp =>
        {
            var config = sp.GetRequiredService<GatewayConfig>();
            return new LimitSettings { UnpricedModels = config.UnpricedModels, Enforcement = config.BudgetEnforcement, ProxyBudget = config.ProxyBudget };
        });
        services.TryAddSingleton(sp => new KeyCache(sp.GetRequiredService<IGovernanceStore>(), sp.GetRequiredService<TimeProvider>(), settings.KeyCacheTtl));
        services.TryAddSingleton(sp => new EndUsers(sp.GetRequiredService<IGovernanceStore>(), sp.GetRequiredService<TimeProvider>(), settings.KeyCacheTtl,
            sp.GetRequiredService<GatewayConfig>().MaxEndUserBudget));
        services.TryAddSingleton<CallLimiter>();
        services.TryAddSingleton<ReservationSweeper>();
        services.TryAddSingleton<AdminRequest>();
        services.TryAddSingleton<UsageInfo>();
        services.TryAddSingleton<KeyEndpoints>();
        services.TryAddSingleton<TeamEndpoints>();
        services.TryAddSingleton<UserEndpoints>();
        services.TryAddSingleton<CustomerEndpoints>();
        services.TryAddSingleton<ProxyBudgetEndpoint>();
        return services;
    }

    /// <summary>Maps LiteLLM's management routes (master key; a virtual key may read its own key, user and team info).</summary>
    public static IEndpointRouteBuilder MapGovernance(this IEndpointRouteBuilder app)
    {
        var keys = app.ServiceProvider.GetRequiredService<KeyEndpoints>();
        app.MapPost("/key/generate", keys.GenerateAsync);
        app.MapPost("/key/update", keys.UpdateAsync);
        app.MapPost("/key/delete", keys.DeleteAsync);
        app.MapPost("/key/regenerate", keys.RegenerateAsync);
        app.MapPost("/key/block", keys.BlockAsync);
        app.MapPost("/key/unblock", keys.UnblockAsync);
        app.MapPost("/key/health", keys.HealthAsync);
        app.MapGet("/key/info", keys.InfoAsync);
        app.MapGet("/key/list", keys.ListAsync);

        var teams = app.ServiceProvider.GetRequiredService<TeamEndpoints>();
        app.MapPost("/team/new", teams.NewTeamAsync);
        app.MapPost("/team/update", teams.UpdateTeamAsync);
        app.MapPost("/team/delete", teams.DeleteTeamAsync);
        app.MapPost("/team/block", teams.BlockAsync);
        app.MapPost("/team/unblock", teams.UnblockAsync);
        app.MapPost("/team/member_add", teams.MemberAddAsync);
        app.MapPost("/team/member_delete", teams.MemberDeleteAsync);
        app.MapPost("/team/model/add", teams.ModelAddAsync);
        app.MapPost("/team/model/delete", teams.ModelDeleteAsync);
        app.MapGet("/team/info", teams.TeamInfoAsync);
        app.MapGet("/team/list", teams.ListTeamsAsync);

        var users = app.ServiceProvider.GetRequiredService<UserEndpoints>();
        app.MapPost("/user/new", users.NewUserAsync);
        app.MapPost("/user/update", users.UpdateUserAsync);
        app.MapPost("/user/delete", users.DeleteUserAsync);
        app.MapGet("/user/info", users.UserInfoAsync);
        app.MapGet("/user/list", users.ListUsersAsync);

        var customers = app.ServiceProvider.GetRequiredService<CustomerEndpoints>();
        app.MapPost("/customer/new", customers.NewAsync);
        app.MapPost("/customer/update", customers.UpdateAsync);
        app.MapPost("/customer/delete", customers.DeleteAsync);
        app.MapPost("/customer/block", customers.BlockAsync);
        app.MapPost("/customer/unblock", customers.UnblockAsync);
        app.MapGet("/customer/info", customers.InfoAsync);
        app.MapGet("/customer/list", customers.ListAsync);

        app.MapGet("/global/spend", app.ServiceProvider.GetRequiredService<ProxyBudgetEndpoint>().GetAsync);
        return app;
    }
}

/// <summary>Builds the configured store.</summary>
public static class StoreFactory
{
    public static IGovernanceStore Create(StoreSettings s) => s.Kind switch
    {
        "tables" when Stores.StoreAvailability.Tables => Stores.Tables.TableGovernanceStore.Create(s),
        "dynamodb" when Stores.StoreAvailability.DynamoDb => Stores.DynamoDb.DynamoGovernanceStore.Create(s),
        "sqlite" => new SqliteGovernanceStore(s.SqlitePath),
        _ => throw new InvalidOperationException(Stores.StoreAvailability.Missing(s.Kind) ?? $"'{s.Kind}' is not a store."),
    };
}

/// <summary>Releases reservations whose settle never came. Host-agnostic: a timer function, or the local loop, calls <see cref="SweepAsync"/>.</summary>
public sealed class ReservationSweeper(IGovernanceStore store, TimeProvider time)
{
    public Task<int> SweepAsync(CancellationToken ct = default) => store.SweepAsync(time.GetUtcNow(), ct);
}
