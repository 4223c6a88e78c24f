using System.Text;
using Gateway.Http;
using Gateway.Providers;
using Gateway.Providers.Anthropic;
using Gateway.Providers.Bedrock;
using Gateway.Providers.Gemini;
using Gateway.Routing.Failures;

namespace Gateway.Tests.Routing;

/// <summary>Each provider's errors, as its mapping builds them, land in one failure class.</summary>
public sealed class FailureClassifierTests
{
    [Theory]
    [InlineData(400, """{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","code":"context_length_exceeded","param":"messages"}}""", FailureClass.ContextWindow)]
    [InlineData(400, """{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"code":"content_filter","param":"prompt"}}""", FailureClass.ContentPolicy)]
    [InlineData(429, """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}""", FailureClass.Quota)]
    [InlineData(429, """{"error":{"message":"Rate limit reached for gpt-4o","type":"requests","code":"rate_limit_exceeded"}}""", FailureClass.RateLimit)]
    [InlineData(401, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}""", FailureClass.Credential)]
    [InlineData(408, "", FailureClass.Timeout)]
    [InlineData(503, "upstream connect error", FailureClass.Transient)]
    [InlineData(422, """{"error":{"message":"bad","type":"invalid_request_error"}}""", FailureClass.CallerFault)]
    public void OpenAI_and_Azure_errors(int status, string body, FailureClass expected)
    {
        using var response = new HttpResponseMessage((System.Net.HttpStatusCode)status);
        var e = UpstreamErrors.FromResponse(response, Encoding.UTF8.GetBytes(body), "m (openai/x)");
        Assert.Equal(expected, e.Failure);
    }

    [Theory]
    [InlineData(400, """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}""", FailureClass.ContextWindow)]
    [InlineData(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", FailureClass.Transient)]
    [InlineData(429, """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""", FailureClass.RateLimit)]
    [InlineData(403, """{"type":"error","error":{"type":"permission_error","message":"no"}}""", FailureClass.Credential)]
    public void Anthropic_errors(int status, string body, FailureClass expected)
    {
        using var response = new HttpResponseMessage((System.Net.HttpStatusCode)status);
        var e = AnthropicErrors.ToOpenAI(UpstreamErrors.FromResponse(response, Encoding.UTF8.GetBytes(body), "m"));
        Assert.Equal(expected, e.Failure);
    }

    [Theory]
    [InlineData(429, """{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}""", FailureClass.RateLimit)]
    [InlineData(400, """{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}""", FailureClass.ContextWindow)]
    [InlineData(500, """{"error":{"code":500,"message":"internal","status":"INTERNAL"}}""", FailureClass.Transient)]
    public void Gemini_errors(int status, string body, FailureClass expected)
    {
        using var response = new HttpResponseMessage((System.Net.HttpStatusCode)status);
        var e = GeminiErrors.ToOpenAI(UpstreamErrors.FromResponse(response, Encoding.UTF8.GetBytes(body), "m"));
        Assert.Equal(expected, e.Failure);
    }

    [Theory]
    [InlineData("throttlingException", FailureClass.RateLimit)]
    [InlineData("serviceUnavailableException", FailureClass.Transient)]
    [InlineData("modelTimeoutException", FailureClass.Timeout)]
    [InlineData("accessDeniedException", FailureClass.Credential)]
    [InlineData("validationException", FailureClass.CallerFault)]
    public void Bedrock_errors(string type, FailureClass expected)
    {
        var e = BedrockErrors.FromException(Encoding.UTF8.GetBytes(type), """{"message":"x"}"""u8, "m");
        Assert.Equal(expected, e.Failure);
    }

    [Fact]
    public void Bedrock_says_input_too_long_in_words()
    {
        var e = BedrockErrors.FromException("validationException"u8, """{"message":"Input is too long for requested model."}"""u8, "m");
        Assert.Equal(FailureClass.ContextWindow, e.Failure);
    }

    [Fact]
    public void Transport_failures_and_timeouts_from_the_gateway_itself()
    {
        Assert.Equal(FailureClass.Timeout, Errors.UpstreamTimeout("m", TimeSpan.FromSeconds(1)).Failure);
        Assert.Equal(FailureClass.Transient, Errors.UpstreamUnreachable("m", "refused").Failure);
    }

    [Fact]
    public void Retry_after_ms_is_read_before_retry_after()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("retry-after-ms", "1500");
        response.Headers.TryAddWithoutValidation("Retry-After", "7");
        Assert.Equal(TimeSpan.FromMilliseconds(1500), UpstreamErrors.FromResponse(response, default, "m").RetryDelay);
        using var plain = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        plain.Headers.TryAddWithoutValidation("Retry-After", "7");
        Assert.Equal(TimeSpan.FromSeconds(7), UpstreamErrors.FromResponse(plain, default, "m").RetryDelay);
    }
}
