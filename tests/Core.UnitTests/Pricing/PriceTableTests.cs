using Gateway.Pricing;

namespace Gateway.Tests.Pricing;

public sealed class PriceTableTests
{
    private static readonly PriceTable Table = PriceTable.Default;

    [Fact]
    public void Embedded_table_parses_and_records_its_sources_and_date()
    {
        Assert.Equal("2026-12-02", Table.Checked);
        Assert.Contains("developers.openai.com", Table.Source);
        Assert.Contains("platform.claude.com", Table.Source);
        Assert.Contains("aws.amazon.com/bedrock/pricing", Table.Source);
        Assert.Contains("ai.google.dev", Table.Source);
        Assert.Contains("model_prices_and_context_window.json", Table.Source);
        Assert.True(Table.Entries.Count >= 700, $"only {Table.Entries.Count} models");
    }

    [Fact]
    public void Every_entry_has_a_source_a_known_provider_and_mode_and_no_negative_rate()
    {
        foreach (var (id, e) in Table.Entries)
        {
            Assert.True(Uri.TryCreate(e.Source, UriKind.Absolute, out var uri) && uri.Scheme == "https", $"{id}: source '{e.Source}'");
            Assert.Contains(e.Provider, new[] { "openai", "azure", "anthropic", "bedrock", "gemini", "groq", "mistral", "deepseek", "xai", "together_ai", "fireworks_ai", "perplexity", "openrouter" });
            Assert.Contains(e.Mode, new[] { PriceEntry.Chat, PriceEntry.Embedding });
            decimal?[] rates = [e.InputPerToken, e.OutputPerToken, e.CacheReadPerToken, e.CacheWritePerToken, e.ReasoningPerToken, e.PerImage, e.PerRequest];
            Assert.All(rates, r => Assert.True(r is null or >= 0, $"{id}: negative rate {r}"));
            // A per-token rate above $1e-3 ($1,000 per million tokens) is a typo (a per-1K or per-1M figure).
            Assert.All(rates[..5], r => Assert.True(r is null or < 0.001m, $"{id}: implausible per-token rate {r}"));
            if (e.IsEmbedding) Assert.Equal(0m, e.OutputPerToken);
            if (e.LongContext is { } tier)
            {
                Assert.True(tier.AboveTokens >= 100_000, $"{id}: long-context threshold {tier.AboveTokens}");
                Assert.True(tier.InputPerToken >= e.InputPerToken && tier.OutputPerToken >= e.OutputPerToken, $"{id}: long-context rates below the base rates");
            }
            Assert.True(e.RegionalPremium is null or > 0 and < 1, $"{id}: regional premium {e.RegionalPremium}");
        }
    }

    [Fact]
    public void Cache_reads_are_cheaper_and_cache_writes_dearer_than_plain_input()
    {
        foreach (var (id, e) in Table.Entries)
        {
            if (e.CacheReadPerToken is { } read) Assert.True(read < e.InputPerToken, $"{id}: cache read {read} >= input {e.InputPerToken}");
            if (e.CacheWritePerToken is { } write) Assert.True(write >= e.InputPerToken, $"{id}: cache write {write} < input {e.InputPerToken}");
            if (e.CacheWrite1hPerToken is { } hour) Assert.True(hour >= (e.CacheWritePerToken ?? e.InputPerToken), $"{id}: 1-hour write {hour} below the 5-minute write");
        }
    }

    [Theory]
    [InlineData("gpt-4o"), InlineData("gpt-4o-mini"), InlineData("gpt-4.1"), InlineData("gpt-4.1-mini"), InlineData("gpt-4.1-nano")]
    [InlineData("o1"), InlineData("o3"), InlineData("o3-mini"), InlineData("o4-mini")]
    [InlineData("gpt-5"), InlineData("gpt-5-mini"), InlineData("gpt-5-nano"), InlineData("gpt-5.5"), InlineData("gpt-5.6")]
    [InlineData("text-embedding-3-small"), InlineData("text-embedding-3-large"), InlineData("text-embedding-ada-002")]
    [InlineData("claude-3-7-sonnet-20250219"), InlineData("claude-sonnet-4-20250514"), InlineData("claude-sonnet-4-5"), InlineData("claude-opus-4-20250514")]
    [InlineData("claude-opus-4-1"), InlineData("claude-haiku-4-5"), InlineData("claude-opus-4-8"), InlineData("claude-opus-5"), InlineData("claude-sonnet-5")]
    [InlineData("anthropic.claude-sonnet-4-5-20250929-v1:0"), InlineData("meta.llama3-1-70b-instruct-v1:0"), InlineData("mistral.mistral-large-2407-v1:0")]
    [InlineData("amazon.titan-text-express-v1"), InlineData("amazon.titan-embed-text-v2:0"), InlineData("cohere.command-r-plus-v1:0"), InlineData("cohere.embed-english-v3")]
    [InlineData("amazon.nova-micro-v1:0"), InlineData("amazon.nova-lite-v1:0"), InlineData("amazon.nova-pro-v1:0")]
    [InlineData("gemini-2.5-pro"), InlineData("gemini-2.5-flash"), InlineData("gemini-2.5-flash-lite"), InlineData("gemini-2.0-flash")]
    [InlineData("gemini-3.1-pro-preview"), InlineData("gemini-3.8-flash"), InlineData("gemini-embedding-001"), InlineData("gemini-embedding-2")]
    public void Lists_the_current_models(string id) => Assert.True(Table.Entries.ContainsKey(id), id);

    [Theory]
    // provider routing prefixes
    [InlineData("openai/gpt-4o", "gpt-4o")]
    [InlineData("azure/gpt-4.1-mini", "gpt-4.1-mini")]
    [InlineData("anthropic/claude-opus-4-1-20250805", "claude-opus-4-1")]
    [InlineData("gemini/gemini-2.5-flash", "gemini-2.5-flash")]
    [InlineData("vertex_ai/gemini-2.5-pro", "gemini-2.5-pro")]
    [InlineData("bedrock/amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0")]
    [InlineData("bedrock/converse/meta.llama3-3-70b-instruct-v1:0", "meta.llama3-3-70b-instruct-v1:0")]
    // Bedrock cross-region inference profiles and ARNs
    [InlineData("us.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude-sonnet-4-20250514-v1:0")]
    [InlineData("eu.amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0")]
    [InlineData("apac.anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0")]
    [InlineData("bedrock/converse/global.anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0")]
    [InlineData("arn:aws:bedrock:us-east-1::foundation-model/cohere.command-r-v1:0", "cohere.command-r-v1:0")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-1-8b-instruct-v1:0", "meta.llama3-1-8b-instruct-v1:0")]
    // the ":0" model version is optional
    [InlineData("anthropic.claude-3-7-sonnet-20250219-v1", "anthropic.claude-3-7-sonnet-20250219-v1:0")]
    // dated ids fall back to their undated alias, aliases to their entry
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("gpt-4.1-2025-04-14", "gpt-4.1")]
    [InlineData("o3-2025-04-16", "o3")]
    [InlineData("gpt-5-mini-2025-08-07", "gpt-5-mini")]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219")]
    [InlineData("claude-opus-4-1-20250805", "claude-opus-4-1")]
    // OpenAI-compatible hosts keep their prefix in the table
    [InlineData("groq/llama-3.3-70b-versatile", "groq/llama-3.3-70b-versatile")]
    [InlineData("together_ai/BAAI/bge-base-en-v1.5", "together_ai/BAAI/bge-base-en-v1.5")]
    [InlineData("gemini-2.0-flash-001", "gemini-2.0-flash")]
    // case does not matter
    [InlineData("OpenAI/GPT-4o-Mini", "gpt-4o-mini")]
    public void Finds_every_spelling_of_a_model(string asked, string expected)
    {
        Assert.True(Table.TryFind(asked, out var id, out _), asked);
        Assert.Equal(expected, id);
    }

    [Fact]
    public void A_dated_snapshot_listed_with_its_own_price_is_not_priced_as_the_alias()
    {
        // gpt-4o-2024-05-13 kept the launch price: $5 in / $15 out per 1M, not gpt-4o's $2.50 / $10.
        Assert.Equal(0.000005m, Table.Lookup("gpt-4o-2024-05-13")!.Value.InputPerToken);
        Assert.Equal(0.0000025m, Table.Lookup("gpt-4o-2024-08-06")!.Value.InputPerToken);
    }

    [Theory]
    [InlineData("gpt-9")]
    [InlineData("mock/mock-1")]
    [InlineData("groq/no-such-model")]
    [InlineData("hosted_vllm/meta-llama/Llama-3.1-8B-Instruct")]
    [InlineData("claude-sonnet-9-20300101")]
    [InlineData("us.")]
    [InlineData("")]
    public void Unknown_models_have_no_rates(string id) => Assert.Null(Table.Lookup(id));

    [Fact]
    public void Absent_optional_rates_fall_back_to_input_and_output()
    {
        // gpt-4o-2024-05-13 lists no cache price and, like every OpenAI model, no reasoning price.
        var r = Table.Lookup("gpt-4o-2024-05-13")!.Value;
        Assert.Equal(r.InputPerToken, r.CacheReadPerToken);
        Assert.Equal(r.InputPerToken, r.CacheWritePerToken);
        Assert.Equal(r.OutputPerToken, r.ReasoningPerToken);
        Assert.Equal(0m, r.PerImage);
        Assert.Equal(0m, r.PerRequest);
        Assert.Equal(4096, r.MaxOutputTokens);
        Assert.True(Table.Lookup("text-embedding-3-large")!.Value.IsEmbedding);
    }

    [Fact]
    public void Money_may_be_written_as_a_string_and_is_read_exactly()
    {
        var t = PriceTable.Parse("""
            {"source":"s","checked":"2026-11-25","models":{
              "m":{"provider":"p","mode":"chat","input_cost_per_token":"0.000000035","output_cost_per_token":1.4e-7,"source":"https://example.com"}}}
            """);
        var r = t.Lookup("m")!.Value;
        Assert.Equal(0.000000035m, r.InputPerToken);
        Assert.Equal(0.00000014m, r.OutputPerToken);
    }

    [Fact]
    public void A_bad_file_is_refused_with_every_problem()
    {
        var ex = Assert.Throws<InvalidDataException>(() => PriceTable.Parse("""
            {"source":"s","checked":"25/11/2026","models":{
              "a":{"provider":"p","mode":"chat","input_cost_per_token":-1,"output_cost_per_token":0},
              "b":{"provider":"p","mode":"completion","input_cost_per_token":0,"output_cost_per_token":"x","source":"https://e.com","cache_read_cost":1}}}
            """));
        Assert.Contains("checked: '25/11/2026' is not a yyyy-MM-dd date", ex.Message);
        Assert.Contains("models.a.input_cost_per_token: '-1' is not a non-negative amount of dollars", ex.Message);
        Assert.Contains("models.a.source: missing", ex.Message);
        Assert.Contains("models.b.mode: 'completion' must be 'chat' or 'embedding'", ex.Message);
        Assert.Contains("models.b.output_cost_per_token: '\"x\"' is not a non-negative amount of dollars", ex.Message);
        Assert.Contains("models.b.cache_read_cost: unknown field", ex.Message);
    }

    [Fact]
    public void An_alias_listed_twice_is_refused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => PriceTable.Parse("""
            {"source":"s","checked":"2026-11-25","models":{
              "a":{"provider":"p","mode":"chat","input_cost_per_token":0,"output_cost_per_token":0,"source":"https://e.com","aliases":["x"]},
              "b":{"provider":"p","mode":"chat","input_cost_per_token":0,"output_cost_per_token":0,"source":"https://e.com","aliases":["X"]}}}
            """));
        Assert.Contains("'X' (b) is already listed for a", ex.Message);
    }
}
