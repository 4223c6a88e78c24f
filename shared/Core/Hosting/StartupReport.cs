using Gateway.Config;
using Gateway.Limits;
using Gateway.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Says once, at start, what the gateway serves and how it is secured. Never prints secrets.</summary>
internal static partial class StartupReport
{
    public static void Register(WebApplication app, GatewayConfig config)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway");
        var router = app.Services.GetRequiredService<ModelRouter>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            StartupTrace.Mark("listening");
            foreach (var warning in config.Warnings) ConfigWarning(log, config.Source, warning);
            foreach (var notice in config.Notices) ConfigNotice(log, config.Source, notice);
            Serving(log, string.Join(", ", app.Urls), config.Source, string.Join(", ", router.Groups.Select(g => g.Name)));
            if (config.MasterKey is null) AuthOff(log);
            Budgets(log, config.BudgetEnforcement.Name(), config.ProxyBudget?.MaxBudget is { } max
                ? $"a proxy-wide budget of {max} USD{(config.ProxyBudget.BudgetDuration is { } d ? $", reset every {d}" : "")} (litellm_settings.max_budget; spend at /global/spend)"
                : "no proxy-wide budget");
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source}: {Warning}")]
    private static partial void ConfigWarning(ILogger log, string source, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source}: {Notice}")]
    private static partial void ConfigNotice(ILogger log, string source, string notice);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway serving on {Urls} (OpenAI API under /v1) with config {Source}; models: {Models}")]
    private static partial void Serving(ILogger log, string urls, string source, string models);

    [LoggerMessage(Level = LogLevel.Information, Message = "Budgets: budget_enforcement {Mode} for keys and teams that set none; {ProxyBudget}")]
    private static partial void Budgets(ILogger log, string mode, string proxyBudget);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AUTH IS OFF: no master key is set (GATEWAY_MASTER_KEY or general_settings.master_key), so any local process can call this gateway. It listens on loopback only until a master key is set.")]
    private static partial void AuthOff(ILogger log);
}
