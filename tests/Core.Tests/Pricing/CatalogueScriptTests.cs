using System.Diagnostics;
using Gateway.Pricing;
using Gateway.Tests.Support;

namespace Gateway.Tests.Pricing;

/// <summary>
/// tools/catalogue/build-catalogue.mjs, run as a maintainer runs it, on a small downloaded-map fixture in LiteLLM's cost-map
/// format: the table it writes loads in the gateway's own reader with the figures, tiers and premiums of the map; what it
/// leaves out (fine-tunes, image models, dated twins) is left out; and it prints the diff against the committed table.
/// </summary>
public sealed class CatalogueScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("catalogue-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private const string Map = """
        {
          "sample_spec": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 0, "output_cost_per_token": 0},
          "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
                     "cache_read_input_token_cost": 1.25e-06, "max_input_tokens": 128000, "max_output_tokens": 16384},
          "gpt-4o-2024-08-06": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
                     "cache_read_input_token_cost": 1.25e-06, "max_input_tokens": 128000, "max_output_tokens": 16384},
          "ft:gpt-4o:acme": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 3.75e-06, "output_cost_per_token": 1.5e-05},
          "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation", "input_cost_per_pixel": 4e-08, "output_cost_per_pixel": 0},
          "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 2e-08, "max_input_tokens": 8191},
          "claude-sonnet-4-5": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
                     "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05,
                     "cache_read_input_token_cost_above_200k_tokens": 6e-07, "max_input_tokens": 1000000, "max_output_tokens": 64000},
          "global.anthropic.claude-haiku-4-5-v1:0": {"litellm_provider": "bedrock_converse", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06},
          "us.anthropic.claude-haiku-4-5-v1:0": {"litellm_provider": "bedrock_converse", "mode": "chat", "input_cost_per_token": 1.1e-06, "output_cost_per_token": 5.5e-06},
          "azure/eu/gpt-4o": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2.75e-06, "output_cost_per_token": 1.1e-05},
          "azure/eu/gpt-4o-2024-08-06": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2.75e-06, "output_cost_per_token": 1.1e-05}
        }
        """;

    private static string Sources() => """
        {
          "checked": "2026-12-02",
          "header": {"source": "test fixture", "notes": ["fixture"]},
          "providers": {
            "openai": {"litellm": ["openai"], "source": "https://example.test/openai"},
            "anthropic": {"litellm": ["anthropic"], "source": "https://example.test/anthropic"},
            "bedrock": {"litellm": ["bedrock", "bedrock_converse"], "source": "https://example.test/bedrock"},
            "azure": {"litellm": ["azure"], "prefix": "azure/", "source": "https://example.test/azure"}
          },
          "azure_data_zone_premium": 0.1
        }
        """;

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root(), "tools", "catalogue", "build-catalogue.mjs"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        return (node.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task The_table_it_writes_loads_in_the_gateway_with_the_maps_figures_and_it_prints_the_diff()
    {
        var map = Path.Combine(_dir, "model_prices_and_context_window.json");
        var sources = Path.Combine(_dir, "sources.json");
        var written = Path.Combine(_dir, "prices.json");
        await File.WriteAllTextAsync(map, Map);
        await File.WriteAllTextAsync(sources, Sources());

        var (code, output) = await RunAsync("--litellm", map, "--sources", sources, "--out", written, "--write");

        Assert.True(code == 0, output);
        var table = PriceTable.Parse(await File.ReadAllTextAsync(written));
        Assert.Equal(new[] { "claude-sonnet-4-5", "gpt-4o", "text-embedding-3-small", "anthropic.claude-haiku-4-5-v1:0" }.Order(), table.Entries.Keys.Order());

        var gpt = table.Entries["gpt-4o"];
        Assert.Equal((0.0000025m, 0.00001m, 0.00000125m, 128000, 16384), (gpt.InputPerToken, gpt.OutputPerToken, gpt.CacheReadPerToken, gpt.MaxInputTokens, gpt.MaxOutputTokens));
        Assert.Equal(0.1m, gpt.RegionalPremium);                                   // Azure sells it in a Data Zone
        Assert.Equal(PriceEntry.Embedding, table.Entries["text-embedding-3-small"].Mode);
        var tier = table.Entries["claude-sonnet-4-5"].LongContext!;
        Assert.Equal((200_000, 0.000006m, 0.0000225m, 0.0000006m), (tier.AboveTokens, tier.InputPerToken, tier.OutputPerToken, tier.CacheReadPerToken));
        var haiku = table.Entries["anthropic.claude-haiku-4-5-v1:0"];
        Assert.Equal((0.000001m, 0.1m), (haiku.InputPerToken, haiku.RegionalPremium)); // global list price, geo profiles 10% more

        // The diff is against the committed table, which has these models and hundreds more.
        Assert.Contains("- gpt-4.1", output);
        Assert.Matches(@"4 models \(openai 2, anthropic 1, bedrock 1\); \d+ added, \d+ removed, \d+ changed", output);
        Assert.Contains("wrote " + written, output);
    }

    [Fact]
    public async Task Without_the_downloaded_map_it_says_how_to_run_it_and_writes_nothing()
    {
        var (code, output) = await RunAsync();
        Assert.Equal(2, code);
        Assert.Contains("usage: build-catalogue.mjs --litellm", output);
    }
}
