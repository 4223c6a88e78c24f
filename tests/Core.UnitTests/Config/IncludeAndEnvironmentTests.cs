using Gateway.Config;

namespace Gateway.Tests.Config;

/// <summary><c>include:</c> of other files, <c>environment_variables</c>, and <c>os.environ/</c> wherever a value is read.</summary>
public sealed class IncludeAndEnvironmentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-include-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static GatewayConfig Load(string path, Dictionary<string, string>? env = null) =>
        GatewayConfigLoader.Load(path, name => (env ?? []).GetValueOrDefault(name));

    [Fact]
    public void Included_model_lists_are_joined_and_settings_filled_in()
    {
        Write("models/openai.yaml", """
            model_list:
              - model_name: included-a
                litellm_params: { model: mock/a }
            general_settings:
              max_request_size_mb: 2
              master_key: sk-from-include
            """);
        Write("models/more.yaml", """
            model_list:
              - model_name: included-b
                litellm_params: { model: mock/b }
            """);
        var main = Write("config.yaml", """
            include:
              - models/openai.yaml
              - models/more.yaml
            model_list:
              - model_name: main
                litellm_params: { model: mock/main }
            general_settings:
              master_key: sk-main
            """);

        var config = Load(main);

        Assert.Equal(["main", "included-a", "included-b"], config.Deployments.Select(d => d.ModelName));
        Assert.Equal(2L * 1024 * 1024, config.MaxRequestBytes);
        Assert.Equal("sk-main", config.MasterKey);
        var warning = Assert.Single(config.Warnings);
        Assert.Equal("openai.yaml line 6: general_settings.master_key: set in this file and in the including file; the including file's value is used", warning);
    }

    [Fact]
    public void Problems_in_an_included_file_name_that_file()
    {
        Write("bad.yaml", """
            model_list:
              - model_name: x
                litellm_params: { model: mock/x, timeout: soon }
            """);
        var main = Write("config.yaml", "include: [bad.yaml, missing.yaml]\nmodel_list: []\n");

        var e = Assert.Throws<ConfigException>(() => Load(main));

        Assert.Contains("bad.yaml line 3: model_list[0] ('x').litellm_params.timeout: 'soon' is not a number", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("line 1: include: 'missing.yaml' not found", StringComparison.Ordinal));
    }

    [Fact]
    public void An_include_cycle_is_a_problem()
    {
        Write("a.yaml", "include: [b.yaml]\n");
        Write("b.yaml", "include: [a.yaml]\n");
        var main = Write("config.yaml", "include: [a.yaml]\nmodel_list:\n  - model_name: m\n    litellm_params: { model: mock/m }\n");

        var e = Assert.Throws<ConfigException>(() => Load(main));

        Assert.Contains(e.Problems, p => p.Contains("includes itself") && p.StartsWith("b.yaml line 1:", StringComparison.Ordinal));
    }

    [Fact]
    public void Os_environ_resolves_in_model_info_headers_and_settings_and_environment_variables_feed_it()
    {
        var config = ConfigText.Parse("""
            environment_variables:
              TEAM_NAME: search
              MAX_OUT: "2048"
            model_list:
              - model_name: m
                litellm_params:
                  model: mock/m
                  extra_headers: { X-Team: os.environ/TEAM_NAME }
                model_info:
                  max_output_tokens: os.environ/MAX_OUT
                  owner: os.environ/OWNER
            general_settings:
              master_key: os.environ/MASTER
            """, new() { ["OWNER"] = "ana", ["MASTER"] = "sk-from-env", ["TEAM_NAME"] = "real-env-wins" });

        var d = config.Deployments[0];
        Assert.Equal("real-env-wins", d.ExtraHeaders["X-Team"]);
        Assert.Equal(2048, d.ModelInfo["max_output_tokens"]!.GetValue<long>());
        Assert.Equal("ana", d.ModelInfo["owner"]!.GetValue<string>());
        Assert.Equal("sk-from-env", config.MasterKey);
        Assert.Equal("2048", config.EnvironmentVariables["MAX_OUT"]);
    }

    [Fact]
    public void An_unset_variable_in_model_info_is_a_problem_naming_it()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
                model_info: { base_model: os.environ/BASE_MODEL }
            """);

        Assert.Equal("line 4: model_list[0] ('m').model_info.base_model: environment variable BASE_MODEL is not set (the value is 'os.environ/BASE_MODEL')", problem);
    }
}
