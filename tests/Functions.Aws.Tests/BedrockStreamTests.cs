using System.Net;
using System.Text.Json.Nodes;

namespace Gateway.Functions.Aws.Tests;

/// <summary>A streamed Bedrock completion through the Lambda package: ConverseStream signed with the role's credentials, OpenAI SSE out.</summary>
public sealed class BedrockStreamTests
{
    [Fact]
    public async Task Streamed_bedrock_completion_reaches_the_client_as_openai_sse()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        GatewayCalls.AnswerBedrock(gw, "unused", "Hello", " from", " Bedrock");
        using var http = gw.Client(gw.MasterKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{LambdaGateway.BedrockModel}}","stream":true,"messages":[{"role":"user","content":"Hi"}]}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        using var r = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, body + "\n" + gw.Process.Output);
        Assert.StartsWith("text/event-stream", r.Content.Headers.ContentType?.ToString());

        var data = body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..].Trim()).ToList();
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data[..^1].Select(d => JsonNode.Parse(d)!).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c["object"]!.GetValue<string>()));
        var text = string.Concat(chunks.Select(c => c["choices"]?.AsArray() is [var choice, ..] ? choice!["delta"]?["content"]?.GetValue<string>() : null));
        Assert.Equal("Hello from Bedrock", text);
        Assert.Contains(chunks, c => c["choices"]?.AsArray() is [var choice, ..] && choice!["finish_reason"]?.GetValue<string>() == "stop");

        // The fake checked the SigV4 signature with the role's key, secret and session token (service bedrock, the function's region).
        Assert.Empty(gw.Bedrock.SignatureProblems);
        var call = Assert.Single(gw.Bedrock.Calls);
        Assert.Equal($"/model/{Uri.EscapeDataString(LambdaGateway.BedrockModelId)}/converse-stream", call.RawPath);
        Assert.Equal(Gateway.Tests.Support.FakeBedrock.SessionToken, call.Headers["x-amz-security-token"]);
    }
}
