using System.Text;
using Gateway.Chat;
using Gateway.Http;

namespace Gateway.Tests.Providers;

public sealed class ChatRequestTests
{
    private static ChatRequest Parse(string json) => ChatRequest.Parse(Encoding.UTF8.GetBytes(json));

    private static GatewayException Rejects(string json)
    {
        var e = Assert.Throws<GatewayException>(() => Parse(json));
        Assert.Equal(400, e.Status);
        Assert.Equal("invalid_request_error", e.Type);
        return e;
    }

    private const string Msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model", "missing_required_parameter")]
    [InlineData("""{"model":null,"messages":[{"role":"user","content":"hi"}]}""", "model", "missing_required_parameter")]
    [InlineData("""{"model":42,"messages":[{"role":"user","content":"hi"}]}""", "model", "invalid_type")]
    [InlineData("""{"model":"","messages":[{"role":"user","content":"hi"}]}""", "model", "invalid_value")]
    [InlineData("""{"model":"m"}""", "messages", "missing_required_parameter")]
    [InlineData("""{"model":"m","messages":{"role":"user"}}""", "messages", "invalid_type")]
    [InlineData("""{"model":"m","messages":[]}""", "messages", "empty_array")]
    [InlineData("""{"model":"m","messages":["hi"]}""", "messages[0]", "invalid_type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"},{"content":"x"}]}""", "messages[1].role", "missing_required_parameter")]
    [InlineData("""{"model":"m","messages":[{"role":1}]}""", "messages[0].role", "invalid_type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream":"true"}""", "stream", "invalid_type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream":1}""", "stream", "invalid_type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"n":0}""", "n", "integer_below_min_value")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"n":1.5}""", "n", "invalid_type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"n":"2"}""", "n", "invalid_type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":true}""", "stream_options", "invalid_value")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":[]}""", "stream_options", "invalid_value")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":"yes"}}""", "stream_options.include_usage", "invalid_type")]
    public void Invalid_requests_name_the_field(string json, string param, string code)
    {
        var e = Rejects(json);

        Assert.Equal(param, e.Param);
        Assert.Equal(code, e.Code);
        Assert.Contains($"'{param}'", e.Message);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"model":"m",}""")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("")]
    [InlineData("{\"model\":\"m\"} trailing")]
    public void Malformed_json_is_invalid_json(string json)
    {
        var e = Rejects(json);

        Assert.Equal("invalid_json", e.Code);
        Assert.Null(e.Param);
    }

    [Fact]
    public void Minimal_request_has_defaults()
    {
        using var r = Parse($$"""{"model":"gpt-4o",{{Msgs}}}""");

        Assert.Equal("gpt-4o", r.Model);
        Assert.False(r.Stream);
        Assert.False(r.ClientWantsUsage);
        Assert.Equal(1, r.N);
        Assert.Null(r.MockResponse);
        Assert.Equal("hi", r.Root.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void Reads_stream_n_and_mock_response()
    {
        using var r = Parse($$"""{"model":"m",{{Msgs}},"stream":true,"n":3,"mock_response":"canned","stream_options":null}""");

        Assert.True(r.Stream);
        Assert.Equal(3, r.N);
        Assert.Equal("canned", r.MockResponse);
        Assert.False(r.ClientWantsUsage);
    }

    [Theory]
    [InlineData("true", """{"include_usage":true}""", true)]
    [InlineData("true", """{"include_usage":false}""", false)]
    [InlineData("true", """{}""", false)]
    public void Client_wants_usage_only_when_streaming_with_include_usage(string stream, string options, bool expected)
    {
        using var r = Parse("{\"model\":\"m\"," + Msgs + ",\"stream\":" + stream + ",\"stream_options\":" + options + "}");

        Assert.Equal(expected, r.ClientWantsUsage);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("null")]
    public void Stream_options_without_stream_is_refused_as_OpenAI_does(string stream)
    {
        var e = Assert.Throws<GatewayException>(() => Parse("{\"model\":\"m\"," + Msgs + ",\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true}}"));
        Assert.Equal("stream_options", e.Param);
        Assert.Contains("only allowed when 'stream' is enabled", e.Message);
    }

    [Fact]
    public void Non_string_mock_response_is_ignored()
    {
        using var r = Parse("{\"model\":\"m\"," + Msgs + ",\"mock_response\":{\"a\":1}}");

        Assert.Null(r.MockResponse);
    }
}
