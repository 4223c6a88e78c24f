using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>Streams are streamed: chunks leave as they arrive, a leaving client cancels upstream, late errors arrive as events.</summary>
public sealed class StreamingBehaviourTests : UpstreamGatewayTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20); // a failure bound, not a performance claim
    [Fact]
    public async Task First_chunk_reaches_the_sdk_while_the_upstream_is_still_holding_the_rest()
    {
        var clientSawFirstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamFinished = false;
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["first", " second"], includeUsage: true), async i =>
        {
            // After the role chunk and the first piece, hold the stream until the client has seen "first".
            if (i == 1) await clientSawFirstChunk.Task.WaitAsync(Bound);
            if (i == 4) upstreamFinished = true;
        });

        var chat = Gw.OpenAI().GetChatClient("gpt-4o-mini");
        var text = new StringBuilder();
        await foreach (var u in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            text.Append(string.Concat(u.ContentUpdate.Select(p => p.Text)));
            if (text.ToString() == "first")
            {
                Assert.False(upstreamFinished);
                clientSawFirstChunk.TrySetResult();
            }
        }
        Assert.True(clientSawFirstChunk.Task.IsCompletedSuccessfully);
        Assert.Equal("first second", text.ToString());
    }

    [Fact]
    public async Task Client_disconnect_cancels_the_upstream_call()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Up.Handler = async (ctx, _) =>
        {
            ctx.RequestAborted.Register(() => upstreamCancelled.TrySetResult());
            try
            {
                await OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["a"], includeUsage: true), i => i == 1 ? Task.Delay(Bound, ctx.RequestAborted) : Task.CompletedTask);
            }
            catch (OperationCanceledException)
            {
            }
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        using (var response = await Gw.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer) > 0);
        } // the client hangs up here

        await upstreamCancelled.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Upstream_error_mid_stream_reaches_the_client_as_an_error_event()
    {
        Up.Handler = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: " + OpenAIWire.Chunk("""{"role":"assistant","content":"par"}""") + "\n\n");
            await ctx.Response.WriteAsync("data: " + OpenAIWire.Error("The server had an error while processing your request.", "server_error", null) + "\n\n");
        };
        var response = await Gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, events.Count);
        Assert.Contains("\"par\"", events[0]);
        using var error = JsonDocument.Parse(events[1]);
        Assert.Equal("server_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task Upstream_dropping_the_connection_mid_stream_ends_with_an_error_event()
    {
        var clientHasFirstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Up.Handler = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: " + OpenAIWire.Chunk("""{"role":"assistant","content":"par"}""") + "\n\n");
            await ctx.Response.Body.FlushAsync();
            await clientHasFirstChunk.Task.WaitAsync(Bound);
            ctx.Abort();
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"""),
        };
        using var response = await Gw.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync();
        Assert.Contains("\"par\"", first);
        clientHasFirstChunk.SetResult();
        var events = Sse.Parse(await reader.ReadToEndAsync());
        Assert.Contains("upstream_unreachable", events[^1]);
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task An_upstream_that_goes_quiet_mid_stream_hits_stream_timeout()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: $"""
              - model_name: slow
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {Up.V1}
                  timeout: 30
                  stream_timeout: 0.5
            """));
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["a", "b"], includeUsage: true),
            i => i == 1 ? Task.Delay(Bound, ctx.RequestAborted) : Task.CompletedTask);
        var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"slow","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("\"a\"", events[1]);
        Assert.Contains("upstream_timeout", events[^1]);
    }

    [Fact]
    public async Task Streamed_response_carries_gateway_headers()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["x"], includeUsage: true));
        using var response = await Gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.StartsWith("req_", response.Headers.GetValues("x-gateway-request-id").Single());
        Assert.True(double.TryParse(response.Headers.GetValues("x-gateway-overhead-duration-ms").Single(), System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms >= 0);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }
}
