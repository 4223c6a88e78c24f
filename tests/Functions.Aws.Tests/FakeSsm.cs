using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Functions.Aws.Tests;

/// <summary>
/// A loopback SSM Parameter Store answering <c>AmazonSSM.GetParameters</c> (JSON 1.1) from <see cref="Parameters"/>.
/// A request must carry the target header and a SigV4 signature that <see cref="SigV4Verifier"/> accepts for the role
/// credentials (service <c>ssm</c>, session token signed); otherwise it gets SSM's 400 error and is recorded in
/// <see cref="Problems"/>. Unknown names come back in <c>InvalidParameters</c>, as SSM answers them.
/// </summary>
public sealed class FakeSsm : IAsyncDisposable
{
    public const string Target = "AmazonSSM.GetParameters";

    private readonly FakeUpstream _up;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentQueue<IReadOnlyList<string>> _asked = new();

    private FakeSsm(FakeUpstream up) => _up = up;

    public Dictionary<string, string> Parameters { get; } = new(StringComparer.Ordinal);
    public string Url => _up.BaseAddress.ToString().TrimEnd('/');
    public IReadOnlyList<string> Problems => _problems.ToArray();

    /// <summary>The names of each GetParameters call, in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Asked => _asked.ToArray();

    public static async Task<FakeSsm> StartAsync()
    {
        FakeSsm? fake = null;
        var up = await FakeUpstream.StartAsync((ctx, recorded) => fake!.HandleAsync(ctx, recorded));
        fake = new FakeSsm(up);
        return fake;
    }

    private async Task HandleAsync(HttpContext ctx, RecordedRequest recorded)
    {
        var raw = ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var q = raw.IndexOf('?');
        var problem = recorded.Header("x-amz-target") != Target ? $"X-Amz-Target is '{recorded.Header("x-amz-target")}', expected {Target}"
            : recorded.Header("authorization") is not { Length: > 0 } ? "no Authorization header"
            : SigV4Verifier.Verify(recorded.Method, q < 0 ? raw : raw[..q], q < 0 ? "" : raw[q..], recorded.Headers, Encoding.UTF8.GetBytes(recorded.Body),
                FakeBedrock.AccessKey, FakeBedrock.SecretKey, FakeBedrock.Region, "ssm", FakeBedrock.SessionToken);
        if (problem is not null)
        {
            _problems.Enqueue(problem);
            await Error(ctx, "InvalidSignatureException", problem);
            return;
        }
        var body = JsonNode.Parse(recorded.Body)!;
        var names = body["Names"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        _asked.Enqueue(names);
        if (names.Count is 0 or > 10 || body["WithDecryption"]?.GetValue<bool>() != true)
        {
            _problems.Enqueue($"bad GetParameters body: {recorded.Body}");
            await Error(ctx, "ValidationException", "1 validation error detected");
            return;
        }
        var found = new JsonArray();
        var invalid = new JsonArray();
        foreach (var name in names)
        {
            if (Parameters.TryGetValue(name, out var value))
                found.Add(new JsonObject
                {
                    ["ARN"] = $"arn:aws:ssm:{FakeBedrock.Region}:123456789012:parameter{name}",
                    ["DataType"] = "text",
                    ["LastModifiedDate"] = 1.7e9,
                    ["Name"] = name,
                    ["Type"] = "SecureString",
                    ["Value"] = value,
                    ["Version"] = 1,
                });
            else invalid.Add(name);
        }
        ctx.Response.ContentType = "application/x-amz-json-1.1";
        await ctx.Response.WriteAsync(new JsonObject { ["InvalidParameters"] = invalid, ["Parameters"] = found }.ToJsonString());
    }

    private static async Task Error(HttpContext ctx, string type, string message)
    {
        ctx.Response.StatusCode = 400;
        ctx.Response.ContentType = "application/x-amz-json-1.1";
        ctx.Response.Headers["x-amzn-ErrorType"] = type;
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
    }

    public ValueTask DisposeAsync() => _up.DisposeAsync();
}
