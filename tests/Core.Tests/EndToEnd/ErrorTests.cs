using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>Every error path answers OpenAI's error shape with the right status, and never a stack trace.</summary>
public sealed class ErrorTests : UpstreamGatewayTest
{
    protected override string Config(FakeUpstream up) => Yaml.Config(up.V1, extraGeneral: "  max_request_size_mb: 0.01");

    private async Task<(HttpResponseMessage Response, JsonElement Error)> PostAsync(string body, string path = "/v1/chat/completions")
    {
        var response = await Gw.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", text); // no stack trace
        using var doc = JsonDocument.Parse(text);
        var error = doc.RootElement.GetProperty("error").Clone();
        foreach (var field in new[] { "message", "type", "param", "code" }) Assert.True(error.TryGetProperty(field, out _), $"error lacks '{field}': {text}");
        return (response, error);
    }

    [Theory]
    [InlineData("{not json", null, "invalid_json")]
    [InlineData("", null, "invalid_json")]
    [InlineData("[1,2]", null, "invalid_json")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model", "missing_required_parameter")]
    [InlineData("""{"model":42,"messages":[{"role":"user","content":"x"}]}""", "model", "invalid_type")]
    [InlineData("""{"model":"mock"}""", "messages", "missing_required_parameter")]
    [InlineData("""{"model":"mock","messages":[]}""", "messages", "empty_array")]
    [InlineData("""{"model":"mock","messages":[{"content":"x"}]}""", "messages[0].role", "missing_required_parameter")]
    [InlineData("""{"model":"mock","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", "stream", "invalid_type")]
    [InlineData("""{"model":"mock","messages":[{"role":"user","content":"x"}],"n":0}""", "n", "integer_below_min_value")]
    public async Task Bad_chat_requests_get_400_naming_the_field(string body, string? param, string code)
    {
        var (response, error) = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (param is null) Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        else
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
            Assert.Contains(param, error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Bad_embeddings_request_names_input()
    {
        var (response, error) = await PostAsync("""{"model":"mock-embedding"}""", "/v1/embeddings");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("input", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Unknown_model_is_404_listing_the_known_ones()
    {
        var (response, error) = await PostAsync("""{"model":"gpt-9","messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("gpt-9", message);
        Assert.Contains("mock, mock-embedding, gpt-4o-mini", message);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_with_and_without_content_length()
    {
        var big = "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 20_000) + "\"}]}";
        var (response, error) = await PostAsync(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());

        // Chunked: no Content-Length, so the limit is enforced while reading.
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var chunked = await Gw.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
    }

    [Fact]
    public async Task Upstream_timeout_is_504()
    {
        Up.Handler = async (ctx, _) => await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
        var (response, error) = await PostAsync("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", error.GetProperty("code").GetString());
        Assert.Contains("5 s", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Upstream_429_passes_through_with_retry_after()
    {
        var body = OpenAIWire.Error("Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.", "requests", "rate_limit_exceeded");
        Up.Handler = (ctx, _) =>
        {
            ctx.Response.Headers.RetryAfter = "7";
            return OpenAIWire.WriteJsonAsync(ctx, body, 429);
        };
        var (response, error) = await PostAsync("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", response.Headers.RetryAfter?.ToString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("requests", error.GetProperty("type").GetString());
        Assert.Equal("Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Upstream_400_error_is_mapped_to_the_gateway_shape_keeping_its_fields()
    {
        // A field the gateway does not check (it passes through) that the upstream refuses. Extra upstream fields (here
        // an org id in a field of its own) do not reach the client: only the four fields do.
        var body = """{"error":{"message":"Invalid value for 'verbosity': must be low, medium or high.","type":"invalid_request_error","param":"verbosity","code":"invalid_value","organization":"org-AbCdEf0123456789"}}""";
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, body, 400);
        var (response, error) = await PostAsync("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"verbosity":"extreme"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("verbosity", error.GetProperty("param").GetString());
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("Invalid value for 'verbosity': must be low, medium or high.", error.GetProperty("message").GetString());
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("org-", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Upstream_plain_text_500_is_wrapped_in_the_error_shape()
    {
        Up.Handler = async (ctx, _) =>
        {
            ctx.Response.StatusCode = 503;
            await ctx.Response.WriteAsync("upstream overloaded, try later");
        };
        var (response, error) = await PostAsync("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("upstream overloaded, try later", error.GetProperty("message").GetString());
        Assert.Equal("upstream_503", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Upstream_error_before_a_stream_starts_keeps_its_status()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("bad key", "invalid_request_error", "invalid_api_key"), 401);
        var (response, error) = await PostAsync("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Sdk_surfaces_upstream_errors_with_status()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("The server had an error", "server_error", null), 500);
        var chat = Gw.OpenAI().GetChatClient("gpt-4o-mini");
        var e = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("x")]));
        Assert.Equal(500, e.Status);
        Assert.Contains("The server had an error", e.Message);
    }

    [Fact]
    public async Task Unreachable_upstream_is_502()
    {
        var port = FreePort.Get();
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: $"""
              - model_name: down
                litellm_params:
                  model: openai/x
                  api_base: http://127.0.0.1:{port}/v1
            """));
        var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"down","messages":[{"role":"user","content":"x"}]}"""));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("upstream_unreachable", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_answer_in_the_error_shape()
    {
        var (notFound, e1) = await PostAsync("{}", "/v1/nope");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("unknown_url", e1.GetProperty("code").GetString());
        using var wrong = await Gw.Http.DeleteAsync("/v1/chat/completions");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrong.StatusCode);
        Assert.Contains("method_not_allowed", await wrong.Content.ReadAsStringAsync());
    }
}
