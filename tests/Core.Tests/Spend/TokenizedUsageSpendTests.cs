using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Keys;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using Gateway.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Spend;

/// <summary>
/// A stream through an <c>openai/gpt-4o-mini</c> deployment that breaks off without usage is booked at what the model's
/// own tokenizer (o200k_base) counts: the prompt by OpenAI's message framing, the output over the text that was
/// streamed. A call whose upstream reported usage never loads the tokenizer.
/// </summary>
public sealed class TokenizedUsageSpendTests : IAsyncLifetime
{
    private static readonly string[] Pieces = ["The quick brown fox ", "jumps over the lazy dog ", "and keeps on \"running\" \u00e9\n"];
    private FakeUpstream _up = null!;
    private TestGateway _gw = null!;

    /// <summary>Released by the client once it has read the streamed text: then the upstream breaks the connection.</summary>
    private readonly SemaphoreSlim _breakNow = new(0);

    public async Task InitializeAsync()
    {
        _up = await FakeUpstream.StartAsync(AnswerAsync);
        _gw = await TestGateway.StartAsync(Yaml.Config(_up.V1));
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _up.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext ctx, RecordedRequest r)
    {
        var chunks = OpenAIWire.TextStream(Pieces, includeUsage: true, prompt: 40, completion: 12);
        if (!r.Body.Contains("case:breaks"))
        {
            await OpenAIWire.WriteStreamAsync(ctx, chunks);
            return;
        }
        // The role chunk and every piece, then the connection breaks: no finish, no usage.
        await OpenAIWire.WriteStreamAsync(ctx, chunks.Take(1 + Pieces.Length), async i =>
        {
            if (i < Pieces.Length) return;
            await _breakNow.WaitAsync(ctx.RequestAborted);
            ctx.Abort();
        });
    }

    [Fact]
    public async Task A_broken_stream_is_booked_at_the_tokenizers_count()
    {
        var tokens = _gw.Services.GetRequiredService<TokenCounters>();
        var key = await _gw.GenerateAsync("""{"key_alias":"tokenized","max_budget":10}""");
        var http = new HttpClient { BaseAddress = _gw.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);

        using (var normal = await PostAsync(http, "case:normal"))
            Assert.Contains("[DONE]", await normal.Content.ReadAsStringAsync());
        Assert.Equal(0, tokens.Loads); // reported usage: no tokenizer was needed, none was loaded

        using (var broken = await PostAsync(http, "case:breaks"))
        {
            await using var body = await broken.Content.ReadAsStreamAsync();
            var seen = await Sse.ReadUntilAsync(body, "running");
            _breakNow.Release();
            seen += await new StreamReader(body).ReadToEndAsync();
            Assert.Contains("upstream_unreachable", seen);
        }

        var events = await _gw.SpendEventsAsync(key, 2);
        var estimated = Assert.Single(events, e => e.TryGetProperty("usage_estimated", out var v) && v.GetBoolean());
        var o200k = tokens.ForModel("gpt-4o-mini")!;
        var text = string.Concat(Pieces);
        Assert.Equal(o200k.Count(text), estimated.GetProperty("completion_tokens").GetInt32());
        // 3 per message + "user" + the content, and 3 to prime the reply.
        Assert.Equal(3 + o200k.Count("user") + o200k.Count(Prompt("case:breaks")) + 3, estimated.GetProperty("prompt_tokens").GetInt32());
        Assert.NotEqual((Encoding.UTF8.GetByteCount(text) + 3) / 4, o200k.Count(text)); // the byte rule would book another figure
        Assert.Equal(1, tokens.Loads);

        var info = await _gw.InfoAsync(key);
        Assert.Equal(events.Sum(e => Money.ToNanos(e.GetProperty("spend").GetDecimal())), Money.ToNanos(info.GetProperty("spend").GetDecimal()));
    }

    private static string Prompt(string marker) => $"{marker}: tell me about foxes";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string marker)
    {
        var r = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"{{Prompt(marker)}}"}]}""",
                Encoding.UTF8, "application/json"),
        }, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return r;
    }


}
