using System.Text.Json;
using Gateway.Chat;
using Gateway.Embeddings;
using Gateway.Http;
using Gateway.Keys.Api;
using Gateway.Providers;
using Microsoft.AspNetCore.Http;

namespace Gateway.Routing.Api;

/// <summary>
/// <c>GET /router/deployments</c> (each deployment's live state here: cooldown, this minute's calls and failures, in
/// flight, latency) and <c>GET /health</c> (a minimal call to every deployment). Both need the master key.
/// </summary>
public sealed class RouterEndpoints(ModelRouter router, AdminRequest admin, TimeProvider time)
{
    /// <summary>A health check waits at most this long for one deployment.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(30);

    private static readonly byte[] ChatPing = """{"model":"health-check","messages":[{"role":"user","content":"ping"}],"max_tokens":1}"""u8.ToArray();
    private static readonly byte[] EmbeddingPing = """{"model":"health-check","input":"ping"}"""u8.ToArray();

    public async Task DeploymentsAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var now = time.GetUtcNow();
        var since = now - router.Settings.Latency.Ttl;
        var data = router.Groups.SelectMany(g => g.Deployments).Select(d =>
        {
            var (calls, failures) = d.Breaker.ThisMinute;
            var (requests, tokens) = d.Load.ThisMinute(now);
            var latency = d.Load.AverageLatencyMs(since);
            return new DeploymentState(d.Config.Id, d.Config.ModelName, $"{d.Config.Provider}/{d.Config.UpstreamModel}", d.Config.Order,
                d.Config.EffectiveWeight, d.Config.Rpm, d.Config.Tpm, d.Tags, d.Breaker.IsAvailable(now), d.Breaker.CooldownUntil,
                calls, failures, d.Load.InFlight, latency is { } l ? Math.Round(l, 3) : null, requests, tokens);
        }).ToArray();
        await JsonResponse.WriteAsync(ctx, JsonSerializer.SerializeToUtf8Bytes(new DeploymentStateList(router.Settings.RoutingStrategy, data),
            RouterJsonContext.Api.DeploymentStateList), GatewayRequestFeature.Get(ctx)!);
    }

    public async Task HealthAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var timing = GatewayRequestFeature.Get(ctx)!;
        var deployments = router.Groups.SelectMany(g => g.Deployments).ToArray();
        var results = await Task.WhenAll(deployments.Select(d => CheckAsync(d, timing, ctx.RequestAborted)));
        var healthy = results.Where(r => r.Error is null).ToArray();
        var unhealthy = results.Where(r => r.Error is not null).ToArray();
        await JsonResponse.WriteAsync(ctx, JsonSerializer.SerializeToUtf8Bytes(new HealthReport(healthy, unhealthy, healthy.Length, unhealthy.Length),
            RouterJsonContext.Api.HealthReport), timing);
    }

    /// <summary>One minimal call (one output token, or one short embedding), outside routing: no retry, breaker or spend.</summary>
    private async Task<HealthEndpoint> CheckAsync(Deployment d, GatewayRequestFeature timing, CancellationToken aborted)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        cts.CancelAfter(HealthTimeout < d.Config.Timeout ? HealthTimeout : d.Config.Timeout);
        string? error = null;
        try
        {
            if (IsEmbedding(d) && d.Embeddings is { } e)
            {
                using var request = EmbeddingsRequest.Parse(EmbeddingPing);
                await e.EmbedAsync(new EmbeddingsCall(request, d.Config, timing), cts.Token);
            }
            else
            {
                using var request = ChatRequest.Parse(ChatPing);
                await d.Chat.CompleteAsync(new ChatCall(request, d.Config, timing), cts.Token);
            }
        }
        catch (GatewayException ex)
        {
            error = ex.Message;
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            error = $"No answer within {HealthTimeout.TotalSeconds:0} s.";
        }
        return new HealthEndpoint($"{d.Config.Provider}/{d.Config.UpstreamModel}", d.Config.ModelName, d.Config.Id, d.Config.ApiBase, error);
    }

    private static bool IsEmbedding(Deployment d) =>
        d.Config.ModelInfo["mode"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var mode) && mode == "embedding";
}
