using Gateway.Config;

namespace Gateway.Tests.Config;

/// <summary>Parses YAML with a fixed environment, and captures the <see cref="ConfigException"/> of a bad file.</summary>
internal static class ConfigText
{
    public static GatewayConfig Parse(string yaml, Dictionary<string, string>? env = null)
    {
        var vars = env ?? [];
        return GatewayConfigLoader.Parse(yaml, "test.yaml", name => vars.GetValueOrDefault(name));
    }

    public static ConfigException Fails(string yaml, Dictionary<string, string>? env = null) =>
        Assert.Throws<ConfigException>(() => Parse(yaml, env));

    /// <summary>The single problem of a file expected to have exactly one.</summary>
    public static string SingleProblem(string yaml, Dictionary<string, string>? env = null) =>
        Assert.Single(Fails(yaml, env).Problems);
}
