using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>A request as the upstream received it.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>
/// A real HTTP server on loopback standing in for a provider. Each test scripts its answers; every request is
/// recorded with headers and body so tests can check exactly what the gateway sent.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeUpstream(WebApplication app) => _app = app;

    public Func<HttpContext, RecordedRequest, Task> Handler { get; set; } = (ctx, _) =>
    {
        ctx.Response.StatusCode = 500;
        return Task.CompletedTask;
    };

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();
    public RecordedRequest Last => _requests.Last();
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The OpenAI-style base URL (ends in /v1).</summary>
    public string V1 => new Uri(BaseAddress, "/v1").ToString().TrimEnd('/');

    public static async Task<FakeUpstream> StartAsync(Func<HttpContext, RecordedRequest, Task>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeUpstream(app);
        if (handler is not null) fake.Handler = handler;
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var recorded = new RecordedRequest(ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, headers, body);
            fake._requests.Enqueue(recorded);
            await fake.Handler(ctx, recorded);
        });
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Urls.First());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
