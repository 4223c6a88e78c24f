using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using OpenAI.Chat;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>Exception frames and broken frames in a ConverseStream, before and after the first chunk reached the client.</summary>
public sealed class BedrockStreamErrorTests : BedrockGatewayTest
{
    private async Task<List<string>> StreamEventsAsync()
    {
        var response = await Gw.Http.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"claude","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Sse.Parse(await response.Content.ReadAsStringAsync());
    }

    private static JsonElement ErrorOf(string ev) => JsonDocument.Parse(ev).RootElement.GetProperty("error").Clone();

    [Theory]
    [InlineData("throttlingException", "rate_limit_error")]
    [InlineData("validationException", "invalid_request_error")]
    [InlineData("serviceUnavailableException", "api_error")]
    [InlineData("modelStreamErrorException", "api_error")]
    public async Task Exception_frame_mid_stream_becomes_an_openai_error_event(string exceptionType, string errorType)
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteStreamAsync(ctx,
            [BedrockWire.MessageStart(), BedrockWire.TextDelta(0, "par"), EventStreamEncoder.Exception(exceptionType, "it went wrong")]);
        var events = await StreamEventsAsync();
        Assert.Contains("\"par\"", string.Join("\n", events));
        var error = ErrorOf(events[^1]);
        Assert.Equal(errorType, error.GetProperty("type").GetString());
        Assert.Equal(exceptionType, error.GetProperty("code").GetString());
        Assert.Contains("it went wrong", error.GetProperty("message").GetString());
        Assert.DoesNotContain("[DONE]", events);
        AssertAllSigned();
    }

    [Fact]
    public async Task Throttling_as_the_first_frame_is_a_429_for_the_sdk()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteStreamAsync(ctx, [EventStreamEncoder.Exception("throttlingException", "Too many tokens")]);
        var e = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in Gw.OpenAI().GetChatClient("claude").CompleteChatStreamingAsync([new UserChatMessage("hi")])) { }
        });
        Assert.Equal(429, e.Status);
        Assert.Contains("Too many tokens", e.Message);
    }

    [Fact]
    public async Task A_corrupted_frame_mid_stream_ends_with_a_bad_response_error_event()
    {
        var bad = BedrockWire.TextDelta(0, "second");
        bad[^6] ^= 0x01;
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteStreamAsync(ctx, [BedrockWire.MessageStart(), BedrockWire.TextDelta(0, "first"), bad]);
        var events = await StreamEventsAsync();
        var error = ErrorOf(events[^1]);
        Assert.Equal("upstream_bad_response", error.GetProperty("code").GetString());
        Assert.Contains("CRC", error.GetProperty("message").GetString());
        Assert.DoesNotContain(events, e => e.Contains("second"));
    }

    [Fact]
    public async Task A_stream_cut_inside_a_frame_ends_with_an_error_event_not_done()
    {
        var last = BedrockWire.MessageStop("end_turn");
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteStreamAsync(ctx, [BedrockWire.MessageStart(), BedrockWire.TextDelta(0, "first"), last[..(last.Length / 2)]]);
        var events = await StreamEventsAsync();
        Assert.Equal("upstream_bad_response", ErrorOf(events[^1]).GetProperty("code").GetString());
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task Usage_chunk_is_hidden_unless_the_client_asked_but_the_stream_still_finishes()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteStreamAsync(ctx, BedrockWire.TextStream("a", "b"));
        var events = await StreamEventsAsync();
        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"usage\""));
        Assert.Contains(events, e => e.Contains("\"finish_reason\":\"stop\""));
    }
}

/// <summary>Static keys in config, <c>aws_region_name</c> over <c>AWS_REGION</c>, and <c>api_base</c> over the endpoint variables.</summary>
public sealed class BedrockStaticKeyTests : BedrockGatewayTest
{
    protected override string Config() => BedrockWire.Config($"""
          - model_name: static
            litellm_params:
              model: bedrock/meta.llama3-1-8b-instruct-v1:0
              aws_access_key_id: {FakeBedrock.AccessKey}
              aws_secret_access_key: {FakeBedrock.SecretKey}
              aws_session_token: os.environ/MY_TOKEN
              aws_region_name: {FakeBedrock.Region}
              api_base: {Bedrock.Url}
        """);

    // No AWS credential variables at all, a different region and an endpoint variable that goes nowhere.
    protected override Dictionary<string, string> Environment(FakeBedrock fake) => new()
    {
        ["AWS_REGION"] = "eu-central-1",
        ["MY_TOKEN"] = FakeBedrock.SessionToken,
        ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = "http://127.0.0.1:9",
    };

    [Fact]
    public async Task Static_keys_region_and_api_base_from_config_are_used()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText("static ok"));
        ChatCompletion reply = await Gw.OpenAI().GetChatClient("static").CompleteChatAsync([new UserChatMessage("Hi")]);
        Assert.Equal("static ok", reply.Content[0].Text);
        AssertAllSigned();
        Assert.Equal("/model/meta.llama3-1-8b-instruct-v1%3A0/converse", Bedrock.Calls.Single().RawPath);
        Assert.Contains("/us-west-2/bedrock/aws4_request", Bedrock.Calls.Single().Headers["authorization"]);
    }
}

/// <summary>The fake really checks signatures: a wrong secret is refused with Bedrock's 403 and the client hears it.</summary>
public sealed class BedrockBadSignatureTests : BedrockGatewayTest
{
    protected override Dictionary<string, string> Environment(FakeBedrock fake)
    {
        var env = fake.LambdaEnvironment();
        env["AWS_SECRET_ACCESS_KEY"] = "not-the-right-secret";
        return env;
    }

    [Fact]
    public async Task A_request_signed_with_the_wrong_secret_is_refused()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText("should not get here"));
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Gw.OpenAI().GetChatClient("claude").CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.Equal(403, e.Status);
        Assert.Contains("signature mismatch", Assert.Single(Bedrock.SignatureProblems));
    }
}
