using System.Text.Json.Nodes;
using Gateway.Config;
using Gateway.Routing;

namespace Gateway.Tests.Routing;

/// <summary>Deployments and groups built straight from config records, for the router's own tests (no provider is called).</summary>
internal static class RoutingFixture
{
    public static Deployment Deployment(string id, double? weight = null, int? rpm = null, int? tpm = null, int? order = null,
        int? maxInputTokens = null, string group = "g", string model = "gpt-4o-mini", params string[] tags)
    {
        var info = new JsonObject { ["id"] = id };
        if (maxInputTokens is { } m) info["max_input_tokens"] = m;
        return new Deployment(new DeploymentConfig
        {
            ModelName = group, Provider = "openai", UpstreamModel = model, Weight = weight, Rpm = rpm, Tpm = tpm, Order = order,
            ModelInfo = info, Tags = tags,
        }, null!, null);
    }

    /// <summary>A random source that replays a fixed sequence (cycling), so a test knows every draw.</summary>
    public sealed class Sequence(params double[] values) : IRandomSource
    {
        private int _next;
        public double NextDouble() => values[_next++ % values.Length];
    }

    /// <summary>A seeded generator: repeatable, and spread like real traffic.</summary>
    public sealed class Seeded(int seed) : IRandomSource
    {
        private readonly Random _random = new(seed);
        public double NextDouble() => _random.NextDouble();
    }
}
