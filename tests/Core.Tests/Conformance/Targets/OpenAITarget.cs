using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Conformance.Targets;

/// <summary>An OpenAI-compatible upstream (<c>openai/</c>): requests pass through, answers in OpenAI's own format.</summary>
public class OpenAITarget : ConformanceTarget
{
    public override string Models(string baseUrl) => $"""
          - model_name: conf
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {baseUrl}/v1
              api_key: sk-conf-upstream
              timeout: 10
        """;

    protected virtual string ExpectedPath => "/v1/chat/completions";

    public override Task AnswerAsync(HttpContext ctx, Reply reply, bool stream) => reply switch
    {
        ErrorReply e => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error(ErrorMessage(e.Status), e.Status switch
        {
            400 => "invalid_request_error",
            401 => "invalid_request_error",
            429 => "requests",
            _ => "server_error",
        }, e.Status == 401 ? "invalid_api_key" : null), e.Status),
        TextReply t when stream => OpenAIWire.WriteStreamAsync(ctx, [
            OpenAIWire.Chunk("""{"role":"assistant","content":"","refusal":null}"""),
            .. t.Pieces.Select(p => OpenAIWire.Chunk($$"""{"content":{{JsonSerializer.Serialize(p)}}}""")),
            OpenAIWire.Chunk("{}", FinishReason(t.Finish)),
            OpenAIWire.UsageChunk(t.Usage.Prompt, t.Usage.Completion, t.Usage.Cached)]),
        TextReply t => OpenAIWire.WriteJsonAsync(ctx, Completion(
            $$"""{"role":"assistant","content":{{JsonSerializer.Serialize(t.Text)}},"refusal":null,"annotations":[]}""", FinishReason(t.Finish), t.Usage)),
        ToolReply r when stream => OpenAIWire.WriteStreamAsync(ctx, [
            OpenAIWire.Chunk("""{"role":"assistant","content":null,"refusal":null}"""),
            .. r.Calls.SelectMany((c, i) => new[]
            {
                OpenAIWire.Chunk($$$"""{"tool_calls":[{"index":{{{i}}},"id":"call_{{{i}}}","type":"function","function":{"name":"{{{c.Name}}}","arguments":""}}]}"""),
                OpenAIWire.Chunk($$$"""{"tool_calls":[{"index":{{{i}}},"function":{"arguments":{{{JsonSerializer.Serialize(c.Arguments)}}}}}]}"""),
            }),
            OpenAIWire.Chunk("{}", "tool_calls"),
            OpenAIWire.UsageChunk(r.Usage.Prompt, r.Usage.Completion, r.Usage.Cached)]),
        ToolReply r => OpenAIWire.WriteJsonAsync(ctx, Completion(
            $$"""{"role":"assistant","content":null,"tool_calls":[{{string.Join(",", r.Calls.Select((c, i) => $$$"""{"id":"call_{{{i}}}","type":"function","function":{"name":"{{{c.Name}}}","arguments":{{{JsonSerializer.Serialize(c.Arguments)}}}}}"""))}}],"refusal":null,"annotations":[]}""",
            "tool_calls", r.Usage)),
        _ => throw new InvalidOperationException(reply.ToString()),
    };

    private static string Completion(string message, string finish, Usage u) =>
        $$"""{"id":"{{OpenAIWire.Id}}","object":"chat.completion","created":1741569952,"model":"{{OpenAIWire.Model}}","choices":[{"index":0,"message":{{message}},"logprobs":null,"finish_reason":"{{finish}}"}],"usage":{{OpenAIWire.Usage(u.Prompt, u.Completion, u.Cached)}},"service_tier":"default"}""";

    private static string FinishReason(Finish f) => f switch
    {
        Finish.Length => "length",
        Finish.ContentFilter => "content_filter",
        Finish.ToolCalls => "tool_calls",
        _ => "stop",
    };

    public override void AssertSent(ConformanceCase c, RecordedRequest sent, bool stream)
    {
        Assert.Equal(ExpectedPath, sent.PathAndQuery);
        var body = Json(sent);
        var asked = JsonDocument.Parse(c.Request).RootElement;
        // OpenAI-format upstreams get the client's messages and options as they were written.
        Assert.Equal(asked.GetProperty("messages").GetRawText(), body.GetProperty("messages").GetRawText());
        foreach (var field in new[] { "tools", "response_format", "stop", "max_tokens" })
            if (asked.TryGetProperty(field, out var v)) Assert.Equal(v.GetRawText(), body.GetProperty(field).GetRawText());
        if (stream) Assert.True(OpenAIWire.AskedForUsage(sent));
    }
}

/// <summary>Azure OpenAI (<c>azure/</c>): OpenAI's wire format on the deployment route with <c>api-version</c> and <c>api-key</c>.</summary>
public sealed class AzureTarget : OpenAITarget
{
    public override string Models(string baseUrl) => $"""
          - model_name: conf
            litellm_params:
              model: azure/gpt4o-prod
              api_base: {baseUrl}
              api_version: "2024-10-21"
              api_key: azure-conf-key
              timeout: 10
        """;

    protected override string ExpectedPath => "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21";

    public override void AssertSent(ConformanceCase c, RecordedRequest sent, bool stream)
    {
        base.AssertSent(c, sent, stream);
        Assert.Equal("azure-conf-key", sent.Header("api-key"));
    }
}
