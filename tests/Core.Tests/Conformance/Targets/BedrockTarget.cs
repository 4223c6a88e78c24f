using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Conformance.Targets;

/// <summary>
/// Amazon Bedrock (<c>bedrock/</c>), answered as Converse JSON, binary ConverseStream frames and Bedrock error bodies.
/// The suite's gateway has no AWS environment, so the entry carries static keys, region and <c>api_base</c>; every
/// request's SigV4 signature (with the session token) is recomputed by the test-side verifier.
/// </summary>
public sealed class BedrockTarget : ConformanceTarget
{
    private const string ModelId = "anthropic.claude-3-5-sonnet-20240620-v1:0";

    public override string Models(string baseUrl) => $"""
          - model_name: conf
            litellm_params:
              model: bedrock/{ModelId}
              api_base: {baseUrl}
              aws_region_name: {FakeBedrock.Region}
              aws_access_key_id: {FakeBedrock.AccessKey}
              aws_secret_access_key: {FakeBedrock.SecretKey}
              aws_session_token: {FakeBedrock.SessionToken}
              timeout: 10
        """;

    private static string StopReason(Finish f) => f switch
    {
        Finish.StopSequence => "stop_sequence",
        Finish.Length => "max_tokens",
        Finish.ToolCalls => "tool_use",
        Finish.ContentFilter => "content_filtered",
        _ => "end_turn",
    };

    // Converse counts cache reads apart from inputTokens; the client sees them added back into prompt_tokens.
    private static (int Input, int Read) Native(Usage u) => (u.Prompt - u.Cached, u.Cached);

    public override Task AnswerAsync(HttpContext ctx, Reply reply, bool stream)
    {
        switch (reply)
        {
            case ErrorReply e:
                var type = e.Status switch { 400 => "ValidationException", 401 => "UnrecognizedClientException", 429 => "ThrottlingException", _ => "InternalServerException" };
                ctx.Response.Headers["x-amzn-ErrorType"] = type + ":http://internal.amazon.com/coral/com.amazon.bedrock/";
                return FakeBedrock.WriteJsonAsync(ctx, $$"""{"message":"{{ErrorMessage(e.Status)}}"}""", e.Status);
            case TextReply { Json: true } t:
                {
                    var (input, read) = Native(t.Usage);
                    if (!stream)
                        return FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseToolUse("tooluse_json", "json_response", t.Text, usage: BedrockWire.Usage(input, t.Usage.Completion, read)));
                    return FakeBedrock.WriteStreamAsync(ctx, [BedrockWire.MessageStart(), BedrockWire.ToolStart(0, "tooluse_json", "json_response"),
                        .. t.Pieces.Select(p => BedrockWire.ToolDelta(0, p)), BedrockWire.BlockStop(0), BedrockWire.MessageStop("tool_use"), BedrockWire.Metadata(input, t.Usage.Completion, read)]);
                }
            case TextReply t:
                {
                    var (input, read) = Native(t.Usage);
                    if (!stream)
                        return FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText(t.Text, StopReason(t.Finish), input, t.Usage.Completion, read));
                    return FakeBedrock.WriteStreamAsync(ctx, [BedrockWire.MessageStart(), .. t.Pieces.Select(p => BedrockWire.TextDelta(0, p)),
                        BedrockWire.BlockStop(0), BedrockWire.MessageStop(StopReason(t.Finish)), BedrockWire.Metadata(input, t.Usage.Completion, read)]);
                }
            case ToolReply r:
                {
                    var (input, read) = Native(r.Usage);
                    if (!stream)
                        return FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseToolUses(r.Calls.Select((c, i) => ($"tooluse_{i}", c.Name, c.Arguments)).ToArray(), BedrockWire.Usage(input, r.Usage.Completion, read)));
                    var frames = new List<byte[]> { BedrockWire.MessageStart() };
                    for (var i = 0; i < r.Calls.Length; i++)
                    {
                        var args = r.Calls[i].Arguments;
                        frames.AddRange([BedrockWire.ToolStart(i, $"tooluse_{i}", r.Calls[i].Name), BedrockWire.ToolDelta(i, args[..(args.Length / 2)]), BedrockWire.ToolDelta(i, args[(args.Length / 2)..]), BedrockWire.BlockStop(i)]);
                    }
                    frames.AddRange([BedrockWire.MessageStop("tool_use"), BedrockWire.Metadata(input, r.Usage.Completion, read)]);
                    return FakeBedrock.WriteStreamAsync(ctx, frames);
                }
            default:
                throw new InvalidOperationException(reply.ToString());
        }
    }

    public override void AssertSent(ConformanceCase c, RecordedRequest sent, bool stream)
    {
        // The recorded path is decoded; the wire path is the model id percent-encoded as one segment.
        Assert.Equal($"/model/{ModelId}/{(stream ? "converse-stream" : "converse")}", Uri.UnescapeDataString(sent.PathAndQuery));
        var wirePath = $"/model/{Uri.EscapeDataString(ModelId)}/{(stream ? "converse-stream" : "converse")}";
        Assert.Null(SigV4Verifier.Verify("POST", wirePath, "", sent.Headers, Encoding.UTF8.GetBytes(sent.Body),
            FakeBedrock.AccessKey, FakeBedrock.SecretKey, FakeBedrock.Region, "bedrock", FakeBedrock.SessionToken));

        var body = Json(sent);
        Assert.False(body.TryGetProperty("model", out _));
        Assert.False(body.TryGetProperty("stream", out _));
        var messages = body.GetProperty("messages");
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        // No text block is ever blank, and turns alternate.
        Assert.DoesNotContain("\"text\":\"\"", sent.Body);
        for (var i = 1; i < messages.GetArrayLength(); i++)
            Assert.NotEqual(messages[i - 1].GetProperty("role").GetString(), messages[i].GetProperty("role").GetString());
        switch (c.Name)
        {
            case "system_only":
                Assert.False(body.TryGetProperty("system", out _));
                Assert.Equal("Say hi.", messages[0].GetProperty("content")[0].GetProperty("text").GetString());
                break;
            case "parallel_tool_calls":
                Assert.Equal("Use tools.", body.GetProperty("system")[0].GetProperty("text").GetString());
                var spec = body.GetProperty("toolConfig").GetProperty("tools")[0].GetProperty("toolSpec");
                Assert.Equal("get_weather", spec.GetProperty("name").GetString());
                Assert.Equal("object", spec.GetProperty("inputSchema").GetProperty("json").GetProperty("type").GetString());
                break;
            case "tool_result_with_error":
                var results = messages[2].GetProperty("content");
                Assert.Equal(2, results.GetArrayLength());
                Assert.Equal("call_N", results[1].GetProperty("toolResult").GetProperty("toolUseId").GetString());
                Assert.Equal("error", results[1].GetProperty("toolResult").GetProperty("status").GetString());
                break;
            case "empty_assistant_content_with_tool_calls":
                Assert.All(messages[1].GetProperty("content").EnumerateArray(), b => Assert.True(b.TryGetProperty("toolUse", out _)));
                break;
            case "image":
                var image = messages[0].GetProperty("content")[1].GetProperty("image");
                Assert.Equal("png", image.GetProperty("format").GetString());
                Assert.Equal("iVBORw0KGgoAAAANSUhEUg==", image.GetProperty("source").GetProperty("bytes").GetString());
                break;
            case "json_schema_output":
                Assert.Equal("json_response", body.GetProperty("toolConfig").GetProperty("toolChoice").GetProperty("tool").GetProperty("name").GetString());
                Assert.Equal(JsonValueKind.Object, body.GetProperty("toolConfig").GetProperty("tools")[0].GetProperty("toolSpec").GetProperty("inputSchema").GetProperty("json").ValueKind);
                break;
            case "stop_sequence":
                Assert.Equal("4", body.GetProperty("inferenceConfig").GetProperty("stopSequences")[0].GetString());
                break;
            case "length_cutoff":
                Assert.Equal(5, body.GetProperty("inferenceConfig").GetProperty("maxTokens").GetInt32());
                break;
        }
    }
}

public sealed class BedrockConformanceTests : ConformanceSuite<BedrockTarget>;
