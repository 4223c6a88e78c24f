using Gateway.Identity;
using Gateway.Auth;
using Gateway.Chat;
using Gateway.Config;
using Gateway.AdminUi;
using Gateway.Embeddings;
using Gateway.Health;
using Gateway.Http;
using Gateway.Keys;
using Gateway.AnthropicApi;
using Gateway.Caching;
using Gateway.Models;
using Gateway.Responses;
using Gateway.Providers;
using Gateway.Providers.Azure;
using Gateway.Providers.Bedrock.Signing;
using Gateway.Routing;
using Gateway.Spend;
using Gateway.Telemetry;
using Gateway.Triggers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>The gateway's two entry points: <see cref="AddGateway"/> for services and <see cref="MapGateway"/> for the HTTP surface.</summary>
public static class GatewayServices
{
    public static IServiceCollection AddGateway(this IServiceCollection services, GatewayConfig config, Func<string, string?>? environment = null)
    {
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new UpstreamClient(CreateUpstreamHttpClient(), config.MaxResponseBytes, sp.GetRequiredService<ILogger<UpstreamClient>>()));
        services.AddSingleton(_ => new AzureTokenSource(() => new AppIdentityCredential()));
        // AWS region, endpoint and credential variables come from the host's environment lookup (tests inject theirs).
        services.AddSingleton(environment is null ? AwsEnvironment.Process : new AwsEnvironment(environment));
        services.AddSingleton<AwsCredentialSource>();
        services.AddSingleton<ProviderFactory>();
        services.AddSingleton<IRandomSource>(SystemRandomSource.Instance);
        // Tripped breakers are shared through the store when it can hold them (all three stores can).
        services.AddSingleton(sp => new Routing.Cooldowns.SharedCooldowns(sp.GetRequiredService<Keys.IGovernanceStore>() as Routing.Cooldowns.ISharedCooldownStore,
            sp.GetRequiredService<ModelRouter>, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Routing.Cooldowns.SharedCooldowns>>()));
        services.AddSingleton<Routing.Cooldowns.ICooldownBoard>(sp => sp.GetRequiredService<Routing.Cooldowns.SharedCooldowns>());
        services.AddHostedService(sp => sp.GetRequiredService<Routing.Cooldowns.SharedCooldowns>());
        services.AddSingleton<ModelRouter>();
        services.AddSpend(config);
        services.AddGovernance(config.Store);
        services.AddTriggers();
        Alerts.AlertServices.AddAlerts(services, config);
        services.AddSingleton<IRequestAuthenticator>(sp => new MasterKeyAuthenticator(config.MasterKey, sp.GetRequiredService<Keys.KeyCache>()));
        services.AddSingleton<Tokens.TokenCounters>();
        services.AddResponseCache(config);
        services.AddSingleton(sp => new Metrics.GatewayMetrics(sp.GetRequiredService<ModelRouter>, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Pipeline.ICallHook>(sp => sp.GetRequiredService<Metrics.GatewayMetrics>());
        services.AddSingleton<Metrics.MetricsEndpoint>();
        services.AddGatewayTelemetry(environment ?? Environment.GetEnvironmentVariable);
        services.AddSingleton<Pipeline.CallPipeline>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<MessagesEndpoint>();
        services.AddResponses(config);
        services.AddSingleton<EmbeddingsEndpoint>();
        services.AddSingleton<ModelsEndpoints>();
        services.AddSingleton<StoreReadiness>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreReadiness>());
        services.AddSingleton<HealthEndpoints>();
        services.AddSingleton<Routing.Api.RouterEndpoints>();
        services.AddConsole();
        return services;
    }

    /// <summary>Maps every gateway route (OpenAI surface with and without <c>/v1</c>, model info, health) behind the error boundary.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseMiddleware<ErrorBoundary>();
        var chat = app.Services.GetRequiredService<ChatCompletionsEndpoint>();
        var messages = app.Services.GetRequiredService<MessagesEndpoint>();
        var embeddings = app.Services.GetRequiredService<EmbeddingsEndpoint>();
        var models = app.Services.GetRequiredService<ModelsEndpoints>();
        var health = app.Services.GetRequiredService<HealthEndpoints>();

        foreach (var prefix in new[] { "/v1", "" })
        {
            app.MapPost(prefix + "/chat/completions", chat.HandleAsync);
            app.MapPost(prefix + "/embeddings", embeddings.HandleAsync);
            app.MapGet(prefix + "/models", models.ListAsync);
            app.MapGet(prefix + "/models/{**id}", models.GetAsync);
        }
        // Anthropic's Messages API (its SDKs call /v1/messages under their base URL).
        app.MapPost("/v1/messages", messages.HandleAsync);
        app.MapPost("/v1/messages/count_tokens", messages.CountTokensAsync);
        app.MapGet("/model/info", models.InfoAsync);
        app.MapGet("/v1/model/info", models.InfoAsync);
        app.MapGet("/metrics", app.Services.GetRequiredService<Metrics.MetricsEndpoint>().HandleAsync);
        app.MapGet("/health/liveliness", health.LivenessAsync);
        app.MapGet("/health/liveness", health.LivenessAsync);
        app.MapGet("/health/readiness", health.ReadinessAsync);
        var routerApi = app.Services.GetRequiredService<Routing.Api.RouterEndpoints>();
        app.MapGet("/health", routerApi.HealthAsync);
        app.MapGet("/router/deployments", routerApi.DeploymentsAsync);
        app.MapGovernance();
        app.MapSpend();
        app.MapResponseCache();
        app.MapResponses();
        app.MapTriggers();
        Alerts.AlertServices.MapAlerts(app);
        app.MapConsole(app.Services.GetRequiredService<GatewayConfig>());
        return app;
    }

    /// <summary>One pooled client for all upstreams: no client-side timeout (deployments set their own), no cookies, no decompression.</summary>
    public static HttpClient CreateUpstreamHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        EnableMultipleHttp2Connections = true,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
