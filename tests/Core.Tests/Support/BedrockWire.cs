using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Support;

/// <summary>One request as the fake Bedrock received it: the raw path as sent on the wire and the body bytes.</summary>
public sealed record BedrockCall(string RawPath, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
    public System.Text.Json.Nodes.JsonNode Json => System.Text.Json.Nodes.JsonNode.Parse(Body)!;
}

/// <summary>
/// A loopback server speaking Bedrock Runtime's wire formats. Every request's SigV4 signature is recomputed with the
/// test's own <see cref="SigV4Verifier"/>; a bad one gets Bedrock's 403 and is recorded in <see cref="SignatureProblems"/>.
/// </summary>
public sealed class FakeBedrock : IAsyncDisposable
{
    public const string AccessKey = "ASIAFAKEROLEKEY00001";
    public const string SecretKey = "fakeSecretKey/For+Tests0000000000000000";
    public const string SessionToken = "IQoJb3JpZ2luX2VjEFAKE//session+token==";
    public const string Region = "us-west-2";

    private readonly FakeUpstream _up;
    private readonly ConcurrentQueue<BedrockCall> _calls = new();
    private readonly ConcurrentQueue<string> _problems = new();

    private FakeBedrock(FakeUpstream up) => _up = up;

    public Uri BaseAddress => _up.BaseAddress;
    public string Url => BaseAddress.ToString().TrimEnd('/');
    public IReadOnlyList<BedrockCall> Calls => _calls.ToArray();
    public IReadOnlyList<string> SignatureProblems => _problems.ToArray();
    public string? ExpectedSessionToken { get; set; } = SessionToken;

    /// <summary>Answers a correctly signed request.</summary>
    public Func<HttpContext, BedrockCall, Task> Respond { get; set; } = (ctx, _) =>
    {
        ctx.Response.StatusCode = 500;
        return Task.CompletedTask;
    };

    /// <summary>The environment Lambda gives a function with a role, pointed at this server.</summary>
    public Dictionary<string, string> LambdaEnvironment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_SESSION_TOKEN"] = SessionToken,
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = Url,
    };

    public static async Task<FakeBedrock> StartAsync()
    {
        FakeBedrock? fake = null;
        var up = await FakeUpstream.StartAsync(async (ctx, recorded) =>
        {
            var raw = ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;
            var q = raw.IndexOf('?');
            var path = q < 0 ? raw : raw[..q];
            var query = q < 0 ? "" : raw[q..];
            var body = Encoding.UTF8.GetBytes(recorded.Body);
            var call = new BedrockCall(path, recorded.Headers, body);
            fake!._calls.Enqueue(call);
            var problem = SigV4Verifier.Verify(recorded.Method, path, query, recorded.Headers, body, AccessKey, SecretKey, Region, "bedrock", fake.ExpectedSessionToken);
            if (problem is not null)
            {
                fake._problems.Enqueue(problem);
                ctx.Response.StatusCode = 403;
                ctx.Response.Headers["x-amzn-ErrorType"] = "InvalidSignatureException";
                await ctx.Response.WriteAsync("""{"message":"The request signature we calculated does not match the signature you provided."}""");
                return;
            }
            await fake.Respond(ctx, call);
        });
        fake = new FakeBedrock(up);
        return fake;
    }

    public static async Task WriteJsonAsync(HttpContext ctx, string json, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    }

    /// <summary>Writes frames as <c>application/vnd.amazon.eventstream</c>, flushing each; <paramref name="between"/> runs after frame i.</summary>
    public static async Task WriteStreamAsync(HttpContext ctx, IReadOnlyList<byte[]> frames, Func<int, Task>? between = null)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/vnd.amazon.eventstream";
        for (var i = 0; i < frames.Count; i++)
        {
            await ctx.Response.Body.WriteAsync(frames[i]);
            await ctx.Response.Body.FlushAsync();
            if (between is not null) await between(i);
        }
    }

    public ValueTask DisposeAsync() => _up.DisposeAsync();
}

/// <summary>Bedrock Converse JSON bodies and ConverseStream event frames, with the random <c>p</c> padding real streams carry.</summary>
public static class BedrockWire
{
    public static string Usage(int input, int output, int cacheRead = 0, int cacheWrite = 0) =>
        $$"""{"inputTokens":{{input}},"outputTokens":{{output}},"totalTokens":{{input + output + cacheRead + cacheWrite}},"cacheReadInputTokens":{{cacheRead}},"cacheWriteInputTokens":{{cacheWrite}}}""";

    /// <summary>A JSON string literal that keeps non-ASCII text as raw UTF-8 (as Bedrock sends it), escaping only what JSON requires.</summary>
    private static string J(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    public static string ConverseText(string text, string stopReason = "end_turn", int input = 11, int output = 7, int cacheRead = 0, int cacheWrite = 0) =>
        "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":" + J(text) + "}]}},\"stopReason\":" + J(stopReason)
        + ",\"usage\":" + Usage(input, output, cacheRead, cacheWrite) + ",\"metrics\":{\"latencyMs\":123}}";

    public static string ConverseToolUse(string id, string name, string inputJson, string? text = null, string? usage = null) =>
        ConverseToolUses([(id, name, inputJson)], usage, text);

    public static string ConverseToolUses((string Id, string Name, string InputJson)[] calls, string? usage = null, string? text = null) =>
        "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[" + (text is null ? "" : "{\"text\":" + J(text) + "},")
        + string.Join(",", calls.Select(c => "{\"toolUse\":{\"toolUseId\":" + J(c.Id) + ",\"name\":" + J(c.Name) + ",\"input\":" + c.InputJson + "}}"))
        + "]}},\"stopReason\":\"tool_use\",\"usage\":" + (usage ?? Usage(20, 9)) + ",\"metrics\":{\"latencyMs\":50}}";

    public static byte[] MessageStart() => EventStreamEncoder.Event("messageStart", """{"p":"abcdefghij","role":"assistant"}""");
    public static byte[] TextDelta(int block, string text) =>
        EventStreamEncoder.Event("contentBlockDelta", "{\"contentBlockIndex\":" + block + ",\"delta\":{\"text\":" + J(text) + "},\"p\":\"abcdefghijklmnopqr\"}");
    public static byte[] ToolStart(int block, string id, string name) =>
        EventStreamEncoder.Event("contentBlockStart", "{\"contentBlockIndex\":" + block + ",\"p\":\"abc\",\"start\":{\"toolUse\":{\"name\":" + J(name) + ",\"toolUseId\":" + J(id) + "}}}");
    public static byte[] ToolDelta(int block, string inputFragment) =>
        EventStreamEncoder.Event("contentBlockDelta", "{\"contentBlockIndex\":" + block + ",\"delta\":{\"toolUse\":{\"input\":" + J(inputFragment) + "}},\"p\":\"abcdefg\"}");
    public static byte[] ReasoningDelta(int block, string text) =>
        EventStreamEncoder.Event("contentBlockDelta", "{\"contentBlockIndex\":" + block + ",\"delta\":{\"reasoningContent\":{\"text\":" + J(text) + "}},\"p\":\"ab\"}");
    public static byte[] BlockStop(int block) => EventStreamEncoder.Event("contentBlockStop", "{\"contentBlockIndex\":" + block + ",\"p\":\"abcd\"}");
    public static byte[] MessageStop(string reason) => EventStreamEncoder.Event("messageStop", "{\"p\":\"abcdefghijklm\",\"stopReason\":" + J(reason) + "}");
    public static byte[] Metadata(int input, int output, int cacheRead = 0, int cacheWrite = 0) =>
        EventStreamEncoder.Event("metadata", "{\"metrics\":{\"latencyMs\":321},\"p\":\"abcdef\",\"usage\":" + Usage(input, output, cacheRead, cacheWrite) + "}");

    public static byte[][] TextStream(params string[] pieces) =>
    [
        MessageStart(),
        .. pieces.Select(p => TextDelta(0, p)),
        BlockStop(0),
        MessageStop("end_turn"),
        Metadata(12, pieces.Length),
    ];

    public static string Config(string extra = "") => $"""
        model_list:
          - model_name: claude
            litellm_params:
              model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
              timeout: 10
          - model_name: claude-profile
            litellm_params:
              model: bedrock/arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0
          - model_name: titan-embed
            litellm_params:
              model: bedrock/amazon.titan-embed-text-v2:0
          - model_name: cohere-embed
            litellm_params:
              model: bedrock/cohere.embed-english-v3
        {extra}
        """;
}
