using System.Diagnostics;
using System.Text.Json;
using Gateway.Pipeline;
using Gateway.Spend;

namespace Gateway.Telemetry;

/// <summary>
/// The span of one model call, named <c>{gen_ai.operation.name} {gen_ai.request.model}</c> and tagged with the GenAI
/// semantic conventions: the request's parameters when it starts, the spend event's usage, provider, cost and error when
/// it is handed off. A client's W3C <c>traceparent</c> makes it a child of the client's trace. Prompt and completion
/// content are never put on a span.
/// </summary>
public static class CallSpans
{
    public static string OperationName(CallKind kind) => OperationName(kind.SpendName());

    /// <summary>GenAI's operation name for a spend event's <c>call_type</c>.</summary>
    public static string OperationName(string callType) => callType switch
    {
        "embedding" => "embeddings",
        "text_completion" => "text_completion",
        _ => "chat",
    };

    /// <summary>Starts the call's span (null when nothing listens), under the client's <c>traceparent</c> if it sent one.</summary>
    public static Activity? Start(CallKind kind, IModelRequest request, string? traceparent, string? tracestate)
    {
        var source = GatewayTelemetry.Source;
        if (!source.HasListeners()) return null;
        ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out var parent);
        var operation = OperationName(kind);
        var span = source.StartActivity($"{operation} {request.Model}", ActivityKind.Server, parent);
        if (span is null || !span.IsAllDataRequested) return span;
        span.SetTag("gen_ai.operation.name", operation);
        span.SetTag("gen_ai.request.model", request.Model);
        span.SetTag("gen_ai.request.stream", request.Stream);
        var root = request.Root;
        if (request.MaxOutputTokens is { } max) span.SetTag("gen_ai.request.max_tokens", max);
        if (Number(root, "temperature") is { } t) span.SetTag("gen_ai.request.temperature", t);
        if (Number(root, "top_p") is { } p) span.SetTag("gen_ai.request.top_p", p);
        return span;
    }

    /// <summary>A child span of the call (admission, the spend hand-off), or null when the call is not traced.</summary>
    public static Activity? Child(Activity? call, string name, ActivityKind kind = ActivityKind.Internal) =>
        call is null ? null : GatewayTelemetry.Source.StartActivity(name, kind, call.Context);

    /// <summary>Tags the call's span with what its spend event says, and records the GenAI client metrics.</summary>
    public static void Settled(Activity? span, SpendEvent e, TimeSpan duration)
    {
        var provider = ProviderName(e.Provider);
        if (GatewayTelemetry.OperationDuration.Enabled || GatewayTelemetry.TokenUsage.Enabled)
        {
            var tags = new TagList
            {
                { "gen_ai.operation.name", OperationName(e.CallType) },
                { "gen_ai.provider.name", provider },
                { "gen_ai.request.model", e.Model },
                { "gen_ai.response.model", e.UpstreamModel },
            };
            if (e.ErrorClass is { } error) tags.Add("error.type", error);
            GatewayTelemetry.OperationDuration.Record(duration.TotalSeconds, tags);
            if (e.PromptTokens > 0 || e.CompletionTokens > 0)
            {
                var input = tags;
                input.Add("gen_ai.token.type", "input");
                GatewayTelemetry.TokenUsage.Record(e.PromptTokens, input);
                var output = tags;
                output.Add("gen_ai.token.type", "output");
                GatewayTelemetry.TokenUsage.Record(e.CompletionTokens, output);
            }
        }
        if (span is not { IsAllDataRequested: true }) return;
        span.SetTag("gen_ai.provider.name", provider);
        if (e.UpstreamModel is { } model) span.SetTag("gen_ai.response.model", model);
        span.SetTag("gen_ai.usage.input_tokens", e.PromptTokens);
        span.SetTag("gen_ai.usage.output_tokens", e.CompletionTokens);
        if (e.CacheReadTokens > 0) span.SetTag("gen_ai.usage.cache_read.input_tokens", e.CacheReadTokens);
        if (e.CacheWriteTokens > 0) span.SetTag("gen_ai.usage.cache_write.input_tokens", e.CacheWriteTokens);
        if (e.ReasoningTokens > 0) span.SetTag("gen_ai.usage.reasoning.output_tokens", e.ReasoningTokens);
        span.SetTag("gateway.cost", (double)e.Spend);
        span.SetTag("gateway.cache_hit", e.CacheHit);
        span.SetTag("gateway.attempts", e.DeploymentsTried.Count);
        if (e.KeyAlias is { } alias) span.SetTag("gateway.key_alias", alias);
        if (e.TeamId is { } team) span.SetTag("gateway.team_id", team);
        if (e.DeploymentId is { } id) span.SetTag("gateway.model_id", id);
        if (e.ErrorClass is { } type)
        {
            span.SetTag("error.type", type);
            span.SetStatus(ActivityStatusCode.Error, e.ErrorCode ?? type);
        }
    }

    /// <summary>The answer's id and finish reasons, read from a whole (non-streamed) OpenAI- or Anthropic-format answer.</summary>
    public static void Answered(Activity? span, ReadOnlySpan<byte> body)
    {
        if (span is not { IsAllDataRequested: true } || body.IsEmpty) return;
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return;
            if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String) span.SetTag("gen_ai.response.id", id.GetString());
            var reasons = new List<string>();
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
                foreach (var c in choices.EnumerateArray())
                    if (c.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) reasons.Add(f.GetString()!);
            if (root.TryGetProperty("stop_reason", out var stop) && stop.ValueKind == JsonValueKind.String) reasons.Add(stop.GetString()!);
            if (reasons.Count > 0) span.SetTag("gen_ai.response.finish_reasons", reasons.ToArray());
        }
        catch (JsonException)
        {
            // Not JSON the span can read: it goes without these two attributes.
        }
    }

    /// <summary>The semantic conventions' provider names for ours.</summary>
    public static string ProviderName(string? provider) => provider switch
    {
        "openai" or "text-completion-openai" => "openai",
        "azure" or "azure_ai" => "azure.ai.openai",
        "anthropic" => "anthropic",
        "bedrock" => "aws.bedrock",
        "gemini" => "gcp.gemini",
        "vertex_ai" => "gcp.vertex_ai",
        null => "unknown",
        _ => provider,
    };

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;
}
