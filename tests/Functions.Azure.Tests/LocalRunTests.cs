namespace Gateway.Functions.Azure.Tests;

/// <summary>The README's first command, <c>dotnet run --project functions/azure</c>, from the repo root with the shipped gateway.yaml.</summary>
public sealed class LocalRunTests
{
    [Fact]
    public async Task Dotnet_run_serves_the_mock_model_to_the_sdk_with_no_keys()
    {
        var port = GatewayProcess.FreePort();
        await using var gw = await GatewayProcess.StartAsync("dotnet", ["run", "--project", "functions/azure", "--no-build"], Repo.Root, port,
            new Dictionary<string, string> { ["PORT"] = port.ToString() });
        await GatewaySdkChecks.MockAnswersAsync(gw.BaseAddress);
        await ConsoleChecks.ServedAsync(gw.BaseAddress);
        Assert.Contains(Path.Combine(Repo.Root, "gateway.yaml"), gw.Output);
        Assert.Contains("AUTH IS OFF", gw.Output);
    }

    [Fact]
    public async Task A_bad_config_stops_start_up_with_a_message_naming_entry_and_field()
    {
        var dir = Directory.CreateTempSubdirectory("gateway-bad-config");
        var path = Path.Combine(dir.FullName, "bad.yaml");
        await File.WriteAllTextAsync(path, """
            model_list:
              - model_name: good
                litellm_params: { model: mock/m }
              - model_name: broken
                litellm_params:
                  model: openai/gpt-4o
                  api_base: http://127.0.0.1:9/v1
                  timeout: soon
            """);
        var (code, output) = await GatewayProcess.RunToExitAsync("dotnet", [Path.Combine(Repo.HostBuildOutput(), "gateway.dll"), "--config", path], dir.FullName,
            new Dictionary<string, string> { ["PORT"] = GatewayProcess.FreePort().ToString() });
        Assert.Equal(2, code);
        Assert.Contains("model_list[1] ('broken').litellm_params.timeout: 'soon' is not a number", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Without_a_master_key_it_refuses_to_listen_beyond_loopback()
    {
        var (code, output) = await GatewayProcess.RunToExitAsync("dotnet",
            [Path.Combine(Repo.HostBuildOutput(), "gateway.dll"), "--urls", $"http://0.0.0.0:{GatewayProcess.FreePort()}"], Repo.Root,
            new Dictionary<string, string>());
        Assert.Equal(2, code);
        Assert.Contains("No master key is set", output);
    }
}
