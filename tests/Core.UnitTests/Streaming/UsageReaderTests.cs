using System.Text;
using Gateway.Chat;

namespace Gateway.Tests.Streaming;

public sealed class UsageReaderTests
{
    private static ChunkFacts Read(string json) => UsageReader.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reads_usage_of_a_completion()
    {
        var facts = Read("""
            {"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}
            """);

        Assert.True(facts.HasChoices);
        Assert.Equal(new TokenUsage(12, 3, 15), facts.Usage);
    }

    [Fact]
    public void Usage_only_chunk_has_no_choices()
    {
        var facts = Read("""{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""");

        Assert.False(facts.HasChoices);
        Assert.Equal(new TokenUsage(5, 7, 12), facts.Usage);
    }

    [Fact]
    public void Chunk_with_null_usage_has_choices_and_no_usage()
    {
        var facts = Read("""{"id":"c","choices":[{"index":0,"delta":{"content":"x"}}],"usage":null}""");

        Assert.True(facts.HasChoices);
        Assert.Null(facts.Usage);
    }

    [Fact]
    public void Chunk_without_usage_key_has_choices()
    {
        var facts = Read("""{"id":"c","choices":[{"index":0,"delta":{"content":"x"}}]}""");

        Assert.Equal(new ChunkFacts(null, true), facts);
    }

    [Fact]
    public void Reads_cached_and_reasoning_token_details()
    {
        var facts = Read("""
            {"choices":[],"usage":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150,
              "prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0,"cache_creation_tokens":8},
              "completion_tokens_details":{"reasoning_tokens":32,"audio_tokens":0,"accepted_prediction_tokens":0}}}
            """);

        Assert.Equal(new TokenUsage(100, 50, 150, CachedTokens: 64, CacheWriteTokens: 8, ReasoningTokens: 32), facts.Usage);
    }

    [Fact]
    public void Null_details_are_ignored()
    {
        var facts = Read("""{"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":null,"completion_tokens_details":null},"choices":[]}""");

        Assert.Equal(new TokenUsage(1, 2, 3), facts.Usage);
    }

    [Fact]
    public void Usage_before_choices_is_read()
    {
        var facts = Read("""{"usage":{"prompt_tokens":2,"completion_tokens":4,"total_tokens":6},"choices":[{"index":0,"delta":{}}],"id":"x"}""");

        Assert.True(facts.HasChoices);
        Assert.Equal(new TokenUsage(2, 4, 6), facts.Usage);
    }

    [Fact]
    public void Missing_total_is_the_sum()
    {
        var facts = Read("""{"usage":{"prompt_tokens":2,"completion_tokens":4}}""");

        Assert.Equal(6, facts.Usage!.Value.TotalTokens);
    }

    [Fact]
    public void Usage_keys_inside_content_do_not_confuse_it()
    {
        var facts = Read("""
            {"choices":[{"index":0,"message":{"role":"assistant","content":"{\"usage\":{\"prompt_tokens\":999}}","tool_calls":[{"function":{"arguments":"{\"usage\":1}"}}],"usage":{"prompt_tokens":777}}}],
             "metadata":{"usage":{"prompt_tokens":555}},"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}
            """);

        Assert.True(facts.HasChoices);
        Assert.Equal(new TokenUsage(1, 1, 2), facts.Usage);
    }

    [Fact]
    public void Usage_only_inside_content_is_no_usage()
    {
        var facts = Read("""{"choices":[{"delta":{"content":"\"usage\":{\"prompt_tokens\":9}"}}]}""");

        Assert.Equal(new ChunkFacts(null, true), facts);
    }

    [Fact]
    public void Nested_arrays_in_choices_are_skipped()
    {
        var facts = Read("""{"choices":[[1,[2,[]]],{"a":[[]]},3,"s"],"usage":{"prompt_tokens":4,"completion_tokens":5,"total_tokens":9}}""");

        Assert.True(facts.HasChoices);
        Assert.Equal(new TokenUsage(4, 5, 9), facts.Usage);
    }

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":1,""")]
    [InlineData("""{"usage":""")]
    [InlineData("""{"choices":[{"usage":1}""")]
    [InlineData("""{"usage" 1}""")]
    [InlineData("""not json "usage" at all""")]
    [InlineData("""["usage"]""")]
    [InlineData("")]
    public void Malformed_json_does_not_throw(string json)
    {
        var facts = Read(json);

        Assert.Null(facts.Usage);
        Assert.True(facts.HasChoices);
    }

    [Fact]
    public void Non_integer_counts_read_as_zero()
    {
        var facts = Read("""{"usage":{"prompt_tokens":"12","completion_tokens":3.5,"total_tokens":null}}""");

        Assert.Equal(new TokenUsage(0, 0, 0), facts.Usage);
    }
}
