// What routing costs per call, without the network: ModelRouter.Plan and RunAsync with an attempt that returns at once,
// for one deployment (nothing to choose) and for a group of N under each strategy. The difference is the router's own
// CPU per call (issue 14 asks at most 5 µs for 10 deployments on latency-based-routing).
// Usage: dotnet run -c Release --project bench/RouterBench -- [calls] [deployments]
using System.Diagnostics;
using System.Text;
using Gateway.Auth;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Hosting;
using Gateway.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var calls = args.Length > 0 ? int.Parse(args[0]) : 200_000;
var size = args.Length > 1 ? int.Parse(args[1]) : 10;
using var body = ChatRequest.Parse(Encoding.UTF8.GetBytes("""{"model":"g","messages":[{"role":"user","content":"hi"}],"max_tokens":16}"""));

Console.WriteLine($"{calls:N0} routed calls per case, attempt returns at once; ns per call (median of 5 rounds)");
Console.WriteLine($"{"case",-36} {"ns/call",9} {"alloc B/call",13}");
var baseline = Measure("1 deployment, simple-shuffle", Router(1, null));
foreach (var strategy in new[] { "simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing-v2", "cost-based-routing" })
{
    var ns = Measure($"{size} deployments, {strategy}", Router(size, strategy));
    Console.WriteLine($"{"",-36} {ns - baseline,9:F0} over one deployment");
}

double Measure(string name, ModelRouter router)
{
    var group = router.Resolve("g");
    var rounds = new double[5];
    long allocated = 0;
    for (var r = -1; r < rounds.Length; r++)                       // round -1 warms up (tiering, PGO)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            var plan = router.Plan(group, body, CallerIdentity.Master, []);
            router.RunAsync(plan, new RouteTrace(null), static d => Task.FromResult(d), CancellationToken.None).GetAwaiter().GetResult();
        }
        sw.Stop();
        if (r < 0) continue;
        rounds[r] = sw.Elapsed.TotalNanoseconds / calls;
        allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }
    Array.Sort(rounds);
    Console.WriteLine($"{name,-36} {rounds[2],9:F0} {allocated,13}");
    return rounds[2];
}

static ModelRouter Router(int deployments, string? strategy)
{
    var yaml = new StringBuilder("model_list:\n");
    for (var i = 1; i <= deployments; i++)
        yaml.Append($"  - model_name: g\n    litellm_params: {{ model: mock/gpt-4o-mini }}\n    model_info: {{ id: d{i}, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }}\n");
    if (strategy is not null) yaml.Append($"router_settings:\n  routing_strategy: {strategy}\n");
    var config = GatewayConfigLoader.Parse(yaml.ToString(), "bench");
    var services = new ServiceCollection().AddLogging(b => b.ClearProviders());
    services.AddGateway(config, _ => null);
    return services.BuildServiceProvider().GetRequiredService<ModelRouter>();
}
