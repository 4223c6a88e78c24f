using System.Text;
using Gateway.Pipeline;

namespace Gateway.Tests.Pipeline;

/// <summary>The one usage figure a call is booked at, in budget and spend event alike, when usage is missing or partial.</summary>
public sealed class UsageEstimateTests
{
    private static OutputProgress Streamed(params string[] chunks)
    {
        var p = new OutputProgress();
        p.Accept();
        foreach (var c in chunks) p.Observe(Encoding.UTF8.GetBytes(c));
        return p;
    }

    [Fact]
    public void Reported_usage_of_a_completed_call_is_taken_as_is()
    {
        var (usage, estimated) = UsageEstimate.Resolve(new TokenUsage(10, 5, 15), completed: true, Streamed(), () => 999);
        Assert.Equal(new TokenUsage(10, 5, 15), usage);
        Assert.False(estimated);
    }

    [Fact]
    public void A_call_the_upstream_never_accepted_used_nothing()
    {
        var (usage, estimated) = UsageEstimate.Resolve(null, completed: false, new OutputProgress(), () => 999);
        Assert.Equal(TokenUsage.None, usage);
        Assert.False(estimated);
    }

    [Fact]
    public void A_broken_stream_is_estimated_from_the_prompt_and_the_text_that_went_out()
    {
        // 24 bytes of generated text: 6 tokens at four bytes a token.
        var progress = Streamed("""{"choices":[{"delta":{"content":"The quick brown fox jump"}}]}""");
        var (usage, estimated) = UsageEstimate.Resolve(null, completed: false, progress, () => 40);
        Assert.True(estimated);
        Assert.Equal(new TokenUsage(40, 6, 46), usage);
    }

    [Fact]
    public void Partial_usage_keeps_the_reported_prompt_and_the_larger_output()
    {
        // Anthropic's message_start reports the prompt (and one output token) before the stream breaks.
        var sse = new OutputProgress();
        sse.Accept();
        sse.ObserveSse(Encoding.UTF8.GetBytes("event: content_block_delta\ndata: {\"delta\":{\"type\":\"text_delta\",\"text\":\"0123456789abcdef\"}}\n\n"));
        var (fromSse, _) = UsageEstimate.Resolve(new TokenUsage(120, 1, 121, 100), completed: false, sse, () => 999);
        Assert.Equal(new TokenUsage(120, 4, 124, 100), fromSse);
    }

    [Fact]
    public void A_completed_stream_without_a_usage_chunk_is_estimated()
    {
        var (usage, estimated) = UsageEstimate.Resolve(null, completed: true, Streamed("""{"choices":[{"delta":{"content":"abcdefgh"}}]}"""), () => 7);
        Assert.True(estimated);
        Assert.Equal(new TokenUsage(7, 2, 9), usage);
    }

    [Fact]
    public void An_estimate_never_passes_the_output_the_call_was_admitted_for()
    {
        var progress = Streamed("{\"content\":\"" + new string('x', 4000) + "\"}");
        var (usage, _) = UsageEstimate.Resolve(null, completed: false, progress, () => 3, maxOutputTokens: 50);
        Assert.Equal(50, usage.CompletionTokens);
    }

    [Theory]
    [InlineData("""{"choices":[{"delta":{"content":"abcd"}}]}""", 4)]
    [InlineData("""{"choices":[{"delta":{"tool_calls":[{"function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}]}""", 20)]
    [InlineData("""{ "choices" : [ { "delta" : { "reasoning_content" : "hmm", "content" : "ok" } } ] }""", 5)]
    [InlineData("""{"type":"content_block_delta","delta":{"type":"input_json_delta","partial_json":"{\"a\":1}"}}""", 9)]
    [InlineData("""{"choices":[{"delta":{"role":"assistant","content":null}}]}""", 0)]
    [InlineData("""{"message":{"content":[{"type":"text","text":"abc"}]}}""", 3)]
    [InlineData("""{"choices":[{"delta":{"content":"cut off""", 0)]
    // Raw bytes as sent (escapes included): cheap to count on every chunk, and close enough for an estimate.
    public void Generated_text_is_counted_in_every_answer_shape(string json, long bytes)
    {
        var p = new OutputProgress();
        p.Observe(Encoding.UTF8.GetBytes(json));
        Assert.Equal(bytes, p.TextBytes);
    }
}
