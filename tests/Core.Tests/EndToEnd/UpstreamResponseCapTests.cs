using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A non-streamed upstream answer is read only up to <c>general_settings.max_response_size_mb</c>: past it the call is
/// aborted with a 502 naming the setting, whether the upstream declared its length or sent it chunked. Error bodies are
/// read only as far as their first few KiB.
/// </summary>
public sealed class UpstreamResponseCapTests : UpstreamGatewayTest
{
    // 0.01 MB = 10,485 bytes; the oversized answers below are 64 KiB, so the test stays small and bounded.
    protected override string Config(FakeUpstream up) => Yaml.Config(up.V1, extraGeneral: "  max_response_size_mb: 0.01");

    private const int Oversized = 64 * 1024;

    // Bounded, and larger than loopback socket buffers plus HttpClient's drain allowance, so an abort is observable.
    private const int ChunkedTotal = 8 * 1024 * 1024;
    private const string Chat = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""";

    private static string BigCompletion() => OpenAIWire.Completion(new string('a', Oversized));

    private async Task<(HttpResponseMessage Response, JsonElement Error)> PostAsync(string body)
    {
        var response = await Gw.Http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response, doc.RootElement.GetProperty("error").Clone());
    }

    [Fact]
    public async Task Oversized_answer_with_content_length_is_502_naming_the_setting()
    {
        Up.Handler = (ctx, _) =>
        {
            var bytes = Encoding.UTF8.GetBytes(BigCompletion());
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = bytes.Length;
            return ctx.Response.Body.WriteAsync(bytes).AsTask();
        };
        var (response, error) = await PostAsync(Chat);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_response_too_large", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("general_settings.max_response_size_mb", message);
        Assert.Contains("gpt-4o-mini", message);
    }

    [Fact]
    public async Task Oversized_chunked_answer_is_cut_off_while_reading()
    {
        var written = 0;
        var aborted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Up.Handler = async (ctx, _) =>
        {
            ctx.Response.ContentType = "application/json";
            var piece = new byte[64 * 1024];
            Array.Fill(piece, (byte)' ');
            try
            {
                // No Content-Length: chunked. Whitespace keeps it a valid JSON prefix; the gateway must stop on the count.
                for (var i = 0; i < ChunkedTotal / piece.Length; i++)
                {
                    await ctx.Response.Body.WriteAsync(piece, ctx.RequestAborted);
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                    written += piece.Length;
                }
                await ctx.Response.WriteAsync(OpenAIWire.Completion("late"), ctx.RequestAborted);
                // Everything fit into loopback socket buffers: the gateway must still drop the connection, not drain it.
                // Wait for that signal; the test's own bound below fails it if the drop never comes.
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                aborted.TrySetResult(true);
            }
        };
        var (response, error) = await PostAsync(Chat);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_response_too_large", error.GetProperty("code").GetString());
        // The gateway stopped reading and dropped the connection (the upstream saw its request aborted).
        Assert.True(await aborted.Task.WaitAsync(TimeSpan.FromSeconds(20)), $"the upstream connection stayed open after {written} bytes");
    }

    [Fact]
    public async Task Answer_under_the_cap_passes()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("small"));
        var response = await Gw.Http.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("small", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Huge_error_body_is_read_only_as_far_as_its_start()
    {
        // A 429 whose body is an error object followed by 64 KiB of padding inside the message: the gateway reads the
        // first few KiB, cannot parse it as JSON, and wraps what it read (bounded) instead of buffering the rest.
        var body = OpenAIWire.Error("slow down " + new string('z', Oversized), "rate_limit_error", "rate_limit_exceeded");
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, body, 429);
        var (response, error) = await PostAsync(Chat);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("upstream_429", error.GetProperty("code").GetString());
        Assert.True(error.GetProperty("message").GetString()!.Length < 1024);
    }
}
