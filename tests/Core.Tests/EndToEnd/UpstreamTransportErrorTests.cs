using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Transport failures tell the client which deployment failed and how (refused, DNS, broke off mid-stream), never the
/// upstream's host, port or URL.
/// </summary>
public sealed class UpstreamTransportErrorTests : UpstreamGatewayTest
{
    private static JsonElement OpenAIError(string text) => JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();

    [Fact]
    public async Task Unreachable_upstream_error_names_the_deployment_and_the_failure_but_not_the_host()
    {
        var port = FreePort.Get();
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: $"""
              - model_name: down
                litellm_params:
                  model: openai/x
                  api_base: http://127.0.0.1:{port}/v1
              - model_name: nowhere
                litellm_params:
                  model: openai/y
                  api_base: http://gw-test-upstream.invalid:{port}/v1
            """));
        foreach (var (model, kind) in new[] { ("down", "refused"), ("nowhere", "DNS") })
        {
            using var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"x"}]}"""));
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            var message = OpenAIError(text).GetProperty("message").GetString()!;
            Assert.Contains(model, message);
            Assert.Contains(kind, message);
            Assert.DoesNotContain(port.ToString(), text);
            Assert.DoesNotContain("127.0.0.1", text);
            Assert.DoesNotContain(".invalid", text);
        }
    }

    [Fact]
    public async Task Stream_that_breaks_off_says_so_without_the_host()
    {
        var clientHasFirstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Up.Handler = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: " + OpenAIWire.Chunk("""{"role":"assistant","content":"par"}""") + "\n\n");
            await ctx.Response.Body.FlushAsync();
            await clientHasFirstChunk.Task.WaitAsync(TimeSpan.FromSeconds(10));
            ctx.Abort();
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"x"}]}"""),
        };
        using var response = await Gw.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Contains("\"par\"", await reader.ReadLineAsync());
        clientHasFirstChunk.SetResult();
        var last = Sse.Parse(await reader.ReadToEndAsync())[^1];
        var message = OpenAIError(last).GetProperty("message").GetString()!;
        Assert.Contains("mid-stream", message);
        Assert.Contains("gpt-4o-mini", message);
        Assert.DoesNotContain(Up.BaseAddress.Port.ToString(), last);
        Assert.DoesNotContain("127.0.0.1", last);
    }
}
