using Gateway.Config;
using Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Start-up shared by every host: load config, pick addresses, build Kestrel with the gateway mapped.</summary>
public static class GatewayApp
{
    public static WebApplication Build(string[] args, GatewayHostOptions options)
    {
        var env = options.Environment;
        var loaded = options.Config ?? ConfigLocator.Load(args, env);
        StartupTrace.Mark("config loaded");
        var masterKey = NonEmpty(env("GATEWAY_MASTER_KEY")) ?? NonEmpty(env("LITELLM_MASTER_KEY")) ?? loaded.MasterKey;
        var config = loaded with { MasterKey = masterKey, Store = Keys.StoreSettings.From(env), Spend = Spend.SpendSettings.From(env) };
        foreach (var (name, value) in config.EnvironmentVariables)
            if (string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable(name)))
                System.Environment.SetEnvironmentVariable(name, value);

        // No config-reload file watcher: it would walk the whole working directory at start-up (cold starts) and
        // the gateway reads gateway.yaml once anyway.
        var builder = WebApplication.CreateSlimBuilder([.. StartupTrace.WithoutFlag(args), "--hostBuilder:reloadConfigOnChange=false"]);
        StartupTrace.Mark("host builder created");
        var urls = ListenAddresses.Resolve(builder.Configuration["urls"], options);
        ListenAddresses.EnsureSafe(urls, masterKey, options);
        builder.WebHost.UseUrls(urls);
        // Request code runs inline on Kestrel's socket threads: no hand-off per read. The request path never blocks
        // (the SQLite store hops to the thread pool itself). GATEWAY_INLINE_SCHEDULING=0 turns it off.
        if (env("GATEWAY_INLINE_SCHEDULING") != "0")
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = RequestBody.HardCap(config.MaxRequestBytes);
        });
        builder.Logging.ClearProviders();
        // litellm_settings.json_logs: one JSON object per line, for log pipelines that parse fields.
        if (config.JsonLogs) builder.Logging.AddJsonConsole(o =>
        {
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
        else
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("System", LogLevel.Warning);

        builder.Services.AddGateway(config, env);
        options.ConfigureServices?.Invoke(builder.Services);
        StartupTrace.Mark("services registered");

        var app = builder.Build();
        StartupTrace.Mark("app built");
        if (StartupTrace.Enabled) app.Use(TraceFirstRequests);
        app.MapGateway();
        StartupTrace.Mark("routes mapped");
        StartupReport.Register(app, config);
        return app;
    }

    /// <summary>Builds and runs until shut down. A bad config or unsafe setup exits with code 2 and a plain message.</summary>
    public static async Task<int> RunAsync(string[] args, GatewayHostOptions options)
    {
        StartupTrace.Begin(args);
        if (options.Environment("GATEWAY_INLINE_SCHEDULING") != "0") PreferInlineSocketCompletions();
        WebApplication app;
        try
        {
            app = Build(args, options);
        }
        catch (Exception e) when (e is ConfigException or StartupException)
        {
            await Console.Error.WriteLineAsync("gateway: cannot start: " + e.Message);
            return 2;
        }
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException e)
        {
            // Typically the port is taken; Kestrel's message says which address.
            await Console.Error.WriteLineAsync("gateway: cannot listen: " + e.Message);
            return 3;
        }
    }

    /// <summary>
    /// Runs socket completions on the epoll thread instead of hopping to the thread pool. The gateway's request path
    /// never blocks, and on a one- or two-core function instance the saved thread hand-offs halve the CPU per request
    /// (measured with bench/overhead.sh). Must happen before the first socket; an explicit setting is respected.
    /// </summary>
    private static void PreferInlineSocketCompletions()
    {
        const string name = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        if (string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable(name)))
            System.Environment.SetEnvironmentVariable(name, "1");
    }

    /// <summary>With <c>--startup-trace</c>: marks each request until the first POST (a model call), then reports.</summary>
    private static async Task TraceFirstRequests(Microsoft.AspNetCore.Http.HttpContext ctx, Func<Task> next)
    {
        await next();
        var step = $"{ctx.Request.Method} {ctx.Request.Path} -> {ctx.Response.StatusCode}";
        if (HttpMethods.IsPost(ctx.Request.Method)) StartupTrace.Report(step);
        else StartupTrace.Mark(step);
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
