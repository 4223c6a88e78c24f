using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Infra.Azure.Tests.Infrastructure;

namespace Gateway.Infra.Azure.Tests;

/// <summary>
/// host.json and the function.json files: the Functions host starts the gateway binary as a custom handler, proxies
/// HTTP to it (streaming), and POSTs the non-HTTP triggers to /&lt;function name&gt;. The app depends on these names.
/// </summary>
public sealed partial class FunctionsHostContractTests
{
    private static readonly string[] ExpectedFunctions = ["alerts", "gateway", "spend-ingest", "sweeper"];

    private static JsonNode Read(params string[] path) => JsonNode.Parse(
        File.ReadAllText(Path.Combine([Repo.FunctionsApp, .. path])),
        documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Disallow })!;

    private static JsonObject Binding(string function, string type) =>
        Assert.Single(Read(function, "function.json")["bindings"]!.AsArray(), b => b!["type"]!.GetValue<string>() == type)!.AsObject();

    [Fact]
    public void EveryFunctionFolderHasAFunctionJsonThatParses()
    {
        var folders = Directory.EnumerateDirectories(Repo.FunctionsApp)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ExpectedFunctions, folders);
        foreach (var function in folders)
        {
            var bindings = Read(function!, "function.json")["bindings"]!.AsArray();
            Assert.NotEmpty(bindings);
            Assert.Single(bindings, b => b!["direction"]!.GetValue<string>() == "in" && b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));
            Assert.All(bindings, b => Assert.False(string.IsNullOrEmpty(b!["name"]?.GetValue<string>())));
        }
    }

    [Fact]
    public void HostJsonRunsTheGatewayBinaryAsAStreamingCustomHandler()
    {
        var host = Read("host.json");
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        var handler = host["customHandler"]!;
        Assert.Equal("gateway", handler["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.NotNull(handler["description"]!["workingDirectory"]);
        Assert.True(handler["enableProxyingHttpRequest"]!.GetValue<bool>());
        Assert.False(handler["enableForwardingHttpRequest"]?.GetValue<bool>() ?? false, "forwarding buffers responses; proxying streams");
        Assert.Null(handler["port"]); // the host picks the port and passes FUNCTIONS_CUSTOMHANDLER_PORT
        Assert.Equal("", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host["extensionBundle"]!["id"]!.GetValue<string>());
        Assert.Equal("[4.*, 5.0.0)", host["extensionBundle"]!["version"]!.GetValue<string>());
        Assert.NotNull(host["logging"]!["logLevel"]!["default"]);
    }

    [Fact]
    public void TheHttpFunctionIsAnAnonymousCatchAll()
    {
        var trigger = Binding("gateway", "httpTrigger");
        Assert.Equal("anonymous", trigger["authLevel"]!.GetValue<string>());
        Assert.Equal("{*path}", trigger["route"]!.GetValue<string>());
        Assert.Equal("in", trigger["direction"]!.GetValue<string>());
        var methods = trigger["methods"]?.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()).ToHashSet();
        if (methods is not null) // listing none means all
            Assert.Superset(new HashSet<string>(["get", "post", "put", "patch", "delete", "head", "options"]), methods);
        Assert.Equal("out", Binding("gateway", "http")["direction"]!.GetValue<string>());
        Assert.Equal(2, Read("gateway", "function.json")["bindings"]!.AsArray().Count); // HTTP only, so the host may proxy it
    }

    [Fact]
    public void SpendIngestReadsBatchesWithAnIdentityConnectionAndRetries()
    {
        var trigger = Binding("spend-ingest", "eventHubTrigger");
        Assert.Equal("many", trigger["cardinality"]!.GetValue<string>());
        Assert.Equal("string", trigger["dataType"]!.GetValue<string>());
        Assert.Equal("events", trigger["name"]!.GetValue<string>());
        Assert.Equal("SpendEventHub", trigger["connection"]!.GetValue<string>());
        Assert.Equal("%SPEND_EVENTHUB_NAME%", trigger["eventHubName"]!.GetValue<string>());
        Assert.Equal("%SPEND_EVENTHUB_CONSUMER_GROUP%", trigger["consumerGroup"]!.GetValue<string>());

        var retry = Read("spend-ingest", "function.json")["retry"]!;
        Assert.Equal("exponentialBackoff", retry["strategy"]!.GetValue<string>());
        Assert.InRange(retry["maxRetryCount"]!.GetValue<int>(), 1, 100);
        var minimum = TimeSpan.Parse(retry["minimumInterval"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var maximum = TimeSpan.Parse(retry["maximumInterval"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.True(minimum > TimeSpan.Zero && minimum < maximum, $"retry intervals {minimum} .. {maximum}");
    }

    [Theory]
    [InlineData("alerts")]
    [InlineData("sweeper")]
    public void TimersFireEveryMinute(string function)
    {
        var trigger = Binding(function, "timerTrigger");
        var schedule = trigger["schedule"]!.GetValue<string>();
        var fields = schedule.Split(' ');
        Assert.Equal(6, fields.Length); // NCRONTAB with seconds
        Assert.Matches(SecondField(), fields[0]);
        Assert.Contains(fields[1], (string[])["*", "*/1"]);
        Assert.All(fields[2..], f => Assert.Equal("*", f));
        Assert.False(trigger["runOnStartup"]?.GetValue<bool>() ?? false, "runOnStartup would fire on every cold start");
    }

    /// <summary>Every %SETTING% and identity connection the triggers use is an app setting the Bicep sets.</summary>
    [Fact]
    public async Task EverySettingTheTriggersUseIsDeployed()
    {
        var needed = new HashSet<string>();
        foreach (var function in ExpectedFunctions)
        {
            foreach (var binding in Read(function, "function.json")["bindings"]!.AsArray())
            {
                foreach (var property in binding!.AsObject())
                    if (property.Value is JsonValue v && v.TryGetValue(out string? text))
                        foreach (Match m in SettingReference().Matches(text)) needed.Add(m.Groups[1].Value);
                if (binding["connection"]?.GetValue<string>() is { } connection)
                    needed.Add(connection + "__fullyQualifiedNamespace");
            }
        }
        Assert.NotEmpty(needed);
        var snapshot = await Deployments.TwoTenantsAsync();
        var site = snapshot["predictedResources"]!.AsArray().First(r => r!["type"]!.GetValue<string>() == "Microsoft.Web/sites")!;
        var deployed = site["properties"]!["siteConfig"]!["appSettings"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(needed, deployed);
        Assert.Contains("SpendEventHub__credential", deployed);
        Assert.Contains("SpendEventHub__clientId", deployed);
    }

    [GeneratedRegex("^[0-5]?[0-9]$")]
    private static partial Regex SecondField();

    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    private static partial Regex SettingReference();
}
