using Gateway.Hosting;

namespace Gateway.Tests.Config;

public sealed class ConfigLocatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-locator-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteConfig(string name, string text = "model_list:\n  - model_name: m\n    litellm_params: { model: mock/m }\n")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Func<string, string?> Env(Dictionary<string, string> vars) => name => vars.GetValueOrDefault(name);

    [Fact]
    public void Explicit_config_argument_is_used()
    {
        var path = WriteConfig("a.yaml");

        Assert.Equal(path, ConfigLocator.Locate(["--config", path], Env([])));
        Assert.Equal(path, ConfigLocator.Locate([$"--config={path}"], Env([])));
    }

    [Fact]
    public void Explicit_config_argument_that_does_not_exist_names_the_path()
    {
        var missing = Path.Combine(_dir, "nope.yaml");

        var e = Assert.Throws<StartupException>(() => ConfigLocator.Locate(["--urls", "x", "--config", missing], Env([])));

        Assert.Contains("--config", e.Message);
        Assert.Contains($"'{missing}' not found", e.Message);
    }

    [Fact]
    public void Config_argument_wins_over_GATEWAY_CONFIG()
    {
        var path = WriteConfig("a.yaml");
        var env = Env(new() { ["GATEWAY_CONFIG"] = Path.Combine(_dir, "missing.yaml") });

        Assert.Equal(path, ConfigLocator.Locate(["--config", path], env));
    }

    [Fact]
    public void GATEWAY_CONFIG_is_used_without_an_argument()
    {
        var path = WriteConfig("b.yaml");

        Assert.Equal(path, ConfigLocator.Locate([], Env(new() { ["GATEWAY_CONFIG"] = path })));
    }

    [Fact]
    public void GATEWAY_CONFIG_that_does_not_exist_names_the_variable_and_path()
    {
        var missing = Path.Combine(_dir, "gone.yaml");

        var e = Assert.Throws<StartupException>(() => ConfigLocator.Locate([], Env(new() { ["GATEWAY_CONFIG"] = missing })));

        Assert.StartsWith("GATEWAY_CONFIG: ", e.Message);
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void Load_reads_the_located_file_with_the_given_environment()
    {
        var path = WriteConfig("c.yaml", """
            model_list:
              - model_name: m
                litellm_params: { model: openai/gpt-4o, api_key: os.environ/LOCATOR_TEST_KEY }
            """);

        var config = ConfigLocator.Load(["--config", path], Env(new() { ["LOCATOR_TEST_KEY"] = "k-123" }));

        Assert.Equal(path, config.Source);
        Assert.Equal("k-123", Assert.Single(config.Deployments).ApiKey);
    }
}
