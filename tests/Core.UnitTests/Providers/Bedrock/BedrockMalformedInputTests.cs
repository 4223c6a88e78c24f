using System.Text;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers.Bedrock;
using Gateway.Providers.Bedrock.Converse;
using Gateway.Providers.Bedrock.EventStream;
using Gateway.Tests.Support;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>Malformed input on either side becomes a precise error (400 for the client's, 502 for Bedrock's), never a 500.</summary>
public sealed class BedrockMalformedInputTests
{
    [Fact]
    public void A_tool_call_without_a_function_name_is_a_400()
    {
        using var request = ChatRequest.Parse(Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"x","type":"function","function":{"arguments":"{}"}}]}]}"""));
        var e = Assert.Throws<GatewayException>(() => ConverseRequestWriter.Write(request.Root));
        Assert.Equal(400, e.Status);
        Assert.Equal("messages", e.Param);
    }

    [Fact]
    public void A_tool_message_without_tool_call_id_is_a_400_naming_it()
    {
        // The pipeline's validation refuses it first; the writer does not rely on that and refuses it too.
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"tool","content":"r"}]}""");
        var early = Assert.Throws<GatewayException>(() => ChatRequest.Parse(body));
        Assert.Equal("messages[0].tool_call_id", early.Param);
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        var e = Assert.Throws<GatewayException>(() => ConverseRequestWriter.Write(doc.RootElement));
        Assert.Equal(400, e.Status);
        Assert.Equal("messages[0].tool_call_id", e.Param);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"output":{}}""")]
    [InlineData("""{"output":{"message":{"content":[{"toolUse":{"input":{}}}]}}}""")]
    public void A_malformed_converse_response_is_a_502(string body)
    {
        var e = Assert.Throws<GatewayException>(() => ConverseResponseReader.Translate(Encoding.UTF8.GetBytes(body), "id", "m", 0, "label"));
        Assert.Equal(502, e.Status);
        Assert.Equal("upstream_bad_response", e.Code);
    }

    [Fact]
    public void A_tool_start_event_without_an_id_is_reported_as_malformed_not_crashed()
    {
        var t = new ConverseStreamTranslator("id", "m", 0);
        Assert.ThrowsAny<Exception>(() => t.Translate("contentBlockStart"u8, """{"contentBlockIndex":0,"start":{"toolUse":{"name":"f"}}}"""u8));
    }

    [Fact]
    public void An_error_frame_uses_its_error_code_and_message_headers()
    {
        var frame = EventStreamEncoder.Frame(
            [new EventStreamEncoder.StringHeader(":message-type", "error"), new EventStreamEncoder.StringHeader(":error-code", "InternalFailure"), new EventStreamEncoder.StringHeader(":error-message", "boom")],
            []);
        using var reader = new EventStreamReader(new MemoryStream(frame));
        Assert.True(reader.Read());
        Assert.False(reader.IsEvent);
        var e = BedrockErrors.FromError(reader.ErrorCode, reader.ErrorMessage, "label");
        Assert.Equal(500, e.Status);
        Assert.Equal("InternalFailure", e.Code);
        Assert.Contains("boom", e.Message);
    }

    [Fact]
    public void A_response_format_with_a_non_string_type_is_not_a_crash()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","response_format":{"type":5},"messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal("invalid_type", Assert.Throws<GatewayException>(() => ChatRequest.Parse(body)).Code);
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        Assert.False(ConverseRequestWriter.UsesJsonTool(doc.RootElement));
        Assert.DoesNotContain("toolConfig", Encoding.UTF8.GetString(ConverseRequestWriter.Write(doc.RootElement)));
    }
}
