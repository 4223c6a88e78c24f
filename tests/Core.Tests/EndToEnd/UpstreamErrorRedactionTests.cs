using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Upstream errors reach the gateway's clients in the gateway's own shape, with credential-like text removed: a provider
/// echoes the gateway's key (even masked), its org and project ids, and tokens, none of which a client may see. Each
/// case is a loopback upstream speaking that provider's wire format.
/// </summary>
public sealed class UpstreamErrorRedactionTests : UpstreamGatewayTest
{
    protected override string Config(FakeUpstream up) =>
        Yaml.Config(up.V1, extraModels: AnthropicWire.Models(up.BaseAddress.ToString().TrimEnd('/')) + "\n" + GeminiWire.Models(up.BaseAddress.ToString().TrimEnd('/')));

    private async Task<(HttpResponseMessage Response, string Text)> PostAsync(string json, string path = "/v1/chat/completions")
    {
        var response = await Gw.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static JsonElement OpenAIError(string text)
    {
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        return error;
    }

    private const string Chat = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""";

    [Theory]
    // OpenAI's wrong-key message names the key it was given, masked.
    [InlineData(401, "Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys.", "sk-proj", "invalid_api_key")]
    [InlineData(401, "Incorrect API key provided: sk-upstre*********-key.", "sk-upstre", "invalid_api_key")]
    [InlineData(429, "Rate limit reached for gpt-4o-mini in organization org-AbCdEf0123456789ghij on tokens per min (TPM): Limit 30000.", "org-AbCdEf", "rate_limit_exceeded")]
    [InlineData(403, "Project `proj_Xy12Ab34Cd56Ef78` does not have access to model `gpt-4o-mini`", "proj_Xy12", "model_not_found")]
    [InlineData(401, "Authorization failed for Bearer abcDEF123456ghiJKL789.", "abcDEF123456", "invalid_api_key")]
    [InlineData(400, "The api_key=ab12cd34ef56gh78 is not valid for this deployment", "ab12cd34ef56gh78", "invalid_api_key")]
    [InlineData(401, "Access denied due to invalid subscription key 0123456789abcdef0123456789abcdef.", "0123456789abcdef0123456789abcdef", "401")]
    [InlineData(400, "Google key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW was rejected", "AIzaSy", "invalid_api_key")]
    [InlineData(403, "User AKIAIOSFODNN7EXAMPLE is not authorized", "AKIAIOSFODNN7EXAMPLE", "access_denied")]
    public async Task Openai_shaped_upstream_error_is_mapped_with_credentials_redacted(int status, string message, string leaked, string code)
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error(message, "invalid_request_error", code, "messages"), status);
        var (response, text) = await PostAsync(Chat);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.DoesNotContain(leaked, text);
        var error = OpenAIError(text);
        Assert.Contains("[redacted]", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Plain_text_upstream_error_is_wrapped_with_its_token_redacted()
    {
        Up.Handler = async (ctx, _) =>
        {
            ctx.Response.StatusCode = 401;
            await ctx.Response.WriteAsync("401 Unauthorized: token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnYXRld2F5In0.c2lnbmF0dXJl rejected");
        };
        var (response, text) = await PostAsync(Chat);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("eyJ", text);
        var error = OpenAIError(text);
        Assert.Equal("upstream_401", error.GetProperty("code").GetString());
        Assert.Contains("rejected", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Mid_stream_openai_error_event_is_redacted()
    {
        Up.Handler = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: " + OpenAIWire.Chunk("""{"role":"assistant","content":"par"}""") + "\n\n");
            await ctx.Response.WriteAsync("data: " + OpenAIWire.Error("Quota exceeded for organization org-AbCdEf0123456789ghij", "insufficient_quota", "insufficient_quota") + "\n\n");
        };
        var (response, text) = await PostAsync("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var last = Sse.Parse(text)[^1];
        Assert.DoesNotContain("org-AbCdEf", last);
        Assert.Equal("insufficient_quota", OpenAIError(last).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Anthropic_error_on_the_openai_surface_is_translated_and_redacted()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Error("authentication_error", "invalid x-api-key: sk-ant-api03-AbCd****wxyz"), 401);
        var (response, text) = await PostAsync("""{"model":"claude","messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("sk-ant", text);
        var error = OpenAIError(text);
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Equal("authentication_error", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Anthropic_error_on_the_messages_surface_keeps_anthropic_shape_redacted()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Error("authentication_error", "invalid x-api-key: sk-ant-api03-AbCd****wxyz"), 401);
        var (response, text) = await PostAsync("""{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":"x"}]}""", "/v1/messages");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(AnthropicWire.Error("authentication_error", "invalid x-api-key: [redacted]"), text);
    }

    [Fact]
    public async Task Anthropic_mid_stream_error_event_on_the_messages_surface_is_redacted()
    {
        var events = AnthropicWire.TextStream("a").Take(2).Append(AnthropicWire.ErrorEvent("overloaded_error", "Overloaded for org-AbCdEf0123456789ghij")).ToList();
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, events);
        var (response, text) = await PostAsync("""{"model":"claude","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"x"}]}""", "/v1/messages");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("org-AbCdEf", text);
        Assert.Contains("event: error", text);
        Assert.Contains("overloaded_error", text);
    }

    [Fact]
    public async Task Gemini_error_is_translated_with_its_key_redacted()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Error(400, "INVALID_ARGUMENT", "API key not valid: AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW. Please pass a valid API key."), 400);
        var (response, text) = await PostAsync("""{"model":"gemini","messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("AIza", text);
        var error = OpenAIError(text);
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("code").GetString());
        Assert.StartsWith("API key not valid: [redacted]", error.GetProperty("message").GetString());
    }
}
