using Gateway.Config;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Hosting;

/// <summary>What a host (local, Azure Functions, Lambda) tells the shared start-up code.</summary>
public sealed class GatewayHostOptions
{
    public const int DefaultPort = 4000;

    /// <summary>Environment variables that carry the port the host expects, in order of precedence.</summary>
    public IReadOnlyList<string> PortVariables { get; init; } = ["PORT"];

    /// <summary>True when the platform exposes the app publicly (a function host): a master key is then required.</summary>
    public bool RequiresMasterKey { get; init; }

    /// <summary>A ready config (tests); when null the config file is located and loaded.</summary>
    public GatewayConfig? Config { get; init; }

    /// <summary>Service overrides, applied after the gateway's own registrations.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}
