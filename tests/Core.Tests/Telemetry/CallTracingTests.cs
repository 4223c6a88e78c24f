using System.Net.Http.Headers;
using System.Text;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Gateway.Tests.Telemetry;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set, each call is one trace exported over OTLP/HTTP protobuf to a loopback receiver:
/// the call's span under the client's traceparent, carrying the GenAI attributes, with children for admission, the
/// upstream attempt and the spend hand-off; the upstream sees the attempt's traceparent. Streamed and not, on an
/// OpenAI-format and an Anthropic upstream.
/// </summary>
public sealed class CallTracingTests : IAsyncLifetime
{
    private OtlpReceiver _otlp = null!;
    private FakeUpstream _openai = null!;
    private FakeUpstream _anthropic = null!;
    private TestGateway _gw = null!;

    public async Task InitializeAsync()
    {
        _otlp = await OtlpReceiver.StartAsync();
        _openai = await FakeUpstream.StartAsync((ctx, r) => r.PathAndQuery.Contains("broken")
            ? OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 500)
            : r.Body.Contains("\"stream\":true")
                ? OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["hel", "lo"], includeUsage: true))
                : OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("hello")));
        _anthropic = await FakeUpstream.StartAsync((ctx, r) => r.Body.Contains("\"stream\":true")
            ? AnthropicWire.WriteStreamAsync(ctx, AnthropicWire.TextStream("hel", "lo"))
            : AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text("hello"), usage: AnthropicWire.Usage(12, 3))));
        var models = AnthropicWire.Models(_anthropic.BaseAddress.ToString().TrimEnd('/')) + $"""

              - model_name: broken
                litellm_params: {"{"} model: openai/gpt-4o-mini, api_base: "{_openai.V1}/broken", api_key: sk-upstream {"}"}
            """;
        _gw = await TestGateway.StartAsync(Yaml.Config(_openai.V1, extraModels: models), new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _otlp.BaseAddress.ToString().TrimEnd('/'),
            ["OTEL_SERVICE_NAME"] = "gateway-under-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "50",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "100",
        });
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _otlp.DisposeAsync();
        await _openai.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    [Theory]
    [InlineData("gpt-4o-mini", false, "openai")]
    [InlineData("gpt-4o-mini", true, "openai")]
    [InlineData("claude", false, "anthropic")]
    [InlineData("claude", true, "anthropic")]
    public async Task A_call_is_one_trace_under_the_clients_traceparent_with_genai_attributes_and_child_spans(string model, bool stream, string provider)
    {
        var (traceId, clientSpan) = NewIds();
        var body = $$"""{"model":"{{model}}","max_tokens":50,"temperature":0.2,"top_p":0.9,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";
        var text = await PostAsync(body, traceId, clientSpan);
        Assert.Contains(stream ? "data: [DONE]" : "\"choices\"", text);

        var spans = await TraceAsync(traceId, expected: 5);
        var call = Assert.Single(spans, s => s.Name == $"chat {model}");
        Assert.Equal(clientSpan, call.ParentSpanId);
        Assert.Equal(2, call.Kind); // SPAN_KIND_SERVER
        Assert.Equal("chat", call["gen_ai.operation.name"]);
        Assert.Equal(model, call["gen_ai.request.model"]);
        Assert.Equal(provider, call["gen_ai.provider.name"]);
        Assert.Equal(50L, call["gen_ai.request.max_tokens"]);
        Assert.Equal(0.2, call["gen_ai.request.temperature"]);
        Assert.Equal(0.9, call["gen_ai.request.top_p"]);
        Assert.Equal(stream, call["gen_ai.request.stream"]);
        Assert.True((long)call["gen_ai.usage.input_tokens"]! > 0);
        Assert.True((long)call["gen_ai.usage.output_tokens"]! > 0);
        Assert.NotNull(call["gen_ai.response.model"]);
        Assert.Equal(1L, call["gateway.attempts"]);
        Assert.Equal(false, call["gateway.cache_hit"]);
        Assert.IsType<double>(call["gateway.cost"]);
        if (!stream)
        {
            Assert.NotNull(call["gen_ai.response.id"]);
            Assert.NotEmpty((object[])call["gen_ai.response.finish_reasons"]!);
        }
        foreach (var child in new[] { "admission", "spend handoff" })
            Assert.Equal(call.SpanId, Assert.Single(spans, s => s.Name == child).ParentSpanId);
        var attempt = Assert.Single(spans, s => s.Name.StartsWith("attempt ", StringComparison.Ordinal));
        Assert.Equal(call.SpanId, attempt.ParentSpanId);
        Assert.Equal(3, attempt.Kind); // SPAN_KIND_CLIENT

        // The upstream got a traceparent in the same trace whose parent is the HTTP client span under the attempt.
        var upstream = (provider == "openai" ? _openai : _anthropic).Requests.Single(r => r.Header("traceparent")?.Contains(traceId) == true);
        var sent = upstream.Header("traceparent")!.Split('-');
        var http = Assert.Single(spans, s => s.SpanId == sent[2]);
        Assert.Equal(attempt.SpanId, http.ParentSpanId);
        Assert.Equal(3, http.Kind);
        Assert.All(_otlp.ContentTypes, t => Assert.Equal("application/x-protobuf", t));
    }

    [Fact]
    public async Task A_failed_call_has_an_error_status_and_type_on_its_span_and_attempt()
    {
        var (traceId, clientSpan) = NewIds();
        await PostAsync("""{"model":"broken","messages":[{"role":"user","content":"hi"}]}""", traceId, clientSpan, expectOk: false);
        var spans = await TraceAsync(traceId, expected: 4);
        var call = Assert.Single(spans, s => s.Name == "chat broken");
        Assert.Equal(2, call.StatusCode); // STATUS_CODE_ERROR
        Assert.NotNull(call["error.type"]);
        Assert.All(spans.Where(s => s.Name.StartsWith("attempt ", StringComparison.Ordinal)), a => Assert.Equal(2, a.StatusCode));
    }

    [Fact]
    public async Task The_genai_client_metrics_are_exported_over_otlp_too()
    {
        var (traceId, clientSpan) = NewIds();
        await PostAsync("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", traceId, clientSpan);
        var provider = _gw.Services.GetRequiredService<MeterProvider>();
        for (var i = 0; i < 100 && !_otlp.MetricNames.Contains("gen_ai.client.token.usage"); i++)
        {
            provider.ForceFlush(5000);
            await Task.Delay(50);
        }
        Assert.Contains("gen_ai.client.operation.duration", _otlp.MetricNames);
        Assert.Contains("gen_ai.client.token.usage", _otlp.MetricNames);
    }

    private static (string TraceId, string SpanId) NewIds() =>
        (Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16]);

    private async Task<string> PostAsync(string body, string traceId, string parentSpan, bool expectOk = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gw.BaseAddress, "/v1/chat/completions"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _gw.MasterKey);
        request.Headers.Add("traceparent", $"00-{traceId}-{parentSpan}-01");
        using var response = await _gw.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode == expectOk, text);
        return text;
    }

    /// <summary>The trace's spans once at least <paramref name="expected"/> have been exported (the call's span ends just after its response).</summary>
    private async Task<List<OtlpSpan>> TraceAsync(string traceId, int expected)
    {
        var provider = _gw.Services.GetRequiredService<TracerProvider>();
        for (var i = 0; i < 100; i++)
        {
            provider.ForceFlush(5000);
            var spans = _otlp.Spans.Where(s => s.TraceId == traceId).ToList();
            if (spans.Count >= expected && spans.Any(s => s.Name.StartsWith("chat ", StringComparison.Ordinal))) return spans;
            await Task.Delay(50);
        }
        return _otlp.Spans.Where(s => s.TraceId == traceId).ToList();
    }
}
