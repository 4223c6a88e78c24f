using Gateway.Chat;
using Gateway.Pricing;

namespace Gateway.Tests.Pricing;

/// <summary>
/// Golden costs worked by hand from the providers' price pages (per-1M prices, or AWS's per-1K prices), with the
/// usage as our translators report it: prompt tokens include cache reads and writes, completion tokens include reasoning.
/// </summary>
public sealed class CostCalculatorTests
{
    private static ModelRates Rates(string model) => PriceTable.Default.Lookup(model) ?? throw new Xunit.Sdk.XunitException($"{model} not in the table");

    private static TokenUsage Usage(int prompt, int completion, int cached = 0, int written = 0, int reasoning = 0) =>
        new(prompt, completion, prompt + completion, cached, written, reasoning);

    [Fact]
    public void OpenAI_cached_prompt_tokens_are_charged_at_the_cached_rate_and_only_once()
    {
        // gpt-4o: $2.50 input, $1.25 cached input, $10.00 output per 1M (developers.openai.com/api/docs/pricing).
        var cost = CostCalculator.Price(Rates("openai/gpt-4o"), Usage(prompt: 10_000, completion: 500, cached: 4_000));

        Assert.Equal(0.015m, cost.Input);      // (10,000 - 4,000) x $2.50 / 1M
        Assert.Equal(0.005m, cost.CacheRead);  // 4,000 x $1.25 / 1M
        Assert.Equal(0.005m, cost.Output);     // 500 x $10.00 / 1M
        Assert.Equal(0m, cost.CacheWrite);
        Assert.Equal(0m, cost.Reasoning);
        Assert.Equal(0.025m, cost.Total);
    }

    [Fact]
    public void OpenAI_mini_model_with_cache()
    {
        // gpt-4.1-mini: $0.40 input, $0.10 cached, $1.60 output per 1M.
        var cost = CostCalculator.Price(Rates("gpt-4.1-mini-2025-04-14"), Usage(prompt: 2_048, completion: 300, cached: 1_024));

        Assert.Equal(0.0004096m, cost.Input);     // 1,024 x $0.40 / 1M
        Assert.Equal(0.0001024m, cost.CacheRead); // 1,024 x $0.10 / 1M
        Assert.Equal(0.00048m, cost.Output);      // 300 x $1.60 / 1M
        Assert.Equal(0.000992m, cost.Total);
    }

    [Fact]
    public void O_series_reasoning_tokens_are_billed_at_the_output_rate_and_only_once()
    {
        // o3: $2.00 input, $8.00 output per 1M; reasoning tokens are output tokens (no separate price).
        var cost = CostCalculator.Price(Rates("o3"), Usage(prompt: 1_000, completion: 3_000, reasoning: 2_500));

        Assert.Equal(0.002m, cost.Input);      // 1,000 x $2.00 / 1M
        Assert.Equal(0.004m, cost.Output);     // (3,000 - 2,500) x $8.00 / 1M
        Assert.Equal(0.02m, cost.Reasoning);   // 2,500 x $8.00 / 1M
        Assert.Equal(0.026m, cost.Total);      // = 1,000 x $2 + 3,000 x $8, per 1M
    }

    [Fact]
    public void O4_mini_with_cache_and_reasoning()
    {
        // o4-mini: $1.10 input, $0.275 cached, $4.40 output per 1M.
        var cost = CostCalculator.Price(Rates("o4-mini-2025-04-16"), Usage(prompt: 2_000, completion: 1_200, cached: 1_024, reasoning: 1_000));

        Assert.Equal(0.0010736m, cost.Input);     // 976 x $1.10 / 1M
        Assert.Equal(0.0002816m, cost.CacheRead); // 1,024 x $0.275 / 1M
        Assert.Equal(0.00088m, cost.Output);      // 200 x $4.40 / 1M
        Assert.Equal(0.0044m, cost.Reasoning);    // 1,000 x $4.40 / 1M
        Assert.Equal(0.0066352m, cost.Total);
    }

    [Fact]
    public void Anthropic_cache_read_and_cache_write_are_each_charged_at_their_own_rate()
    {
        // Claude Sonnet 4.5: $3 input, $3.75 5-minute cache write, $0.30 cache hit, $15 output per 1M
        // (platform.claude.com/docs/en/about-claude/pricing). Anthropic reported input_tokens=100,
        // cache_read_input_tokens=20,000, cache_creation_input_tokens=5,000; upstream sums them into the prompt.
        var cost = CostCalculator.Price(Rates("anthropic/claude-sonnet-4-5-20250929"),
            Usage(prompt: 100 + 20_000 + 5_000, completion: 800, cached: 20_000, written: 5_000));

        Assert.Equal(0.0003m, cost.Input);       // 100 x $3 / 1M
        Assert.Equal(0.006m, cost.CacheRead);    // 20,000 x $0.30 / 1M
        Assert.Equal(0.01875m, cost.CacheWrite); // 5,000 x $3.75 / 1M
        Assert.Equal(0.012m, cost.Output);       // 800 x $15 / 1M
        Assert.Equal(0.03705m, cost.Total);
    }

    [Fact]
    public void Anthropic_alias_costs_the_same_as_the_dated_id()
    {
        // Claude Haiku 4.5: $1 input, $1.25 cache write, $0.10 cache hit, $5 output per 1M.
        var usage = Usage(prompt: 50_000, completion: 2_000, cached: 30_000, written: 10_000, reasoning: 500);
        var dated = CostCalculator.Price(Rates("claude-haiku-4-5-20251001"), usage);

        Assert.Equal(dated, CostCalculator.Price(Rates("claude-haiku-4-5"), usage));
        Assert.Equal(0.01m, dated.Input);         // 10,000 x $1 / 1M
        Assert.Equal(0.003m, dated.CacheRead);    // 30,000 x $0.10 / 1M
        Assert.Equal(0.0125m, dated.CacheWrite);  // 10,000 x $1.25 / 1M
        Assert.Equal(0.0075m, dated.Output);      // 1,500 x $5 / 1M
        Assert.Equal(0.0025m, dated.Reasoning);   // 500 x $5 / 1M (extended thinking is billed as output)
        Assert.Equal(0.0355m, dated.Total);
    }

    [Fact]
    public void Bedrock_inference_profile_id_is_priced_as_its_base_model()
    {
        // Claude 3.7 Sonnet on Bedrock: $0.003 per 1K input, $0.015 per 1K output (aws.amazon.com/bedrock/pricing).
        var cost = CostCalculator.Price(Rates("bedrock/converse/us.anthropic.claude-3-7-sonnet-20250219-v1:0"), Usage(prompt: 2_000, completion: 1_000));

        Assert.Equal(0.006m, cost.Input);   // 2,000 x $0.003 / 1K
        Assert.Equal(0.015m, cost.Output);  // 1,000 x $0.015 / 1K
        Assert.Equal(0.021m, cost.Total);
    }

    [Fact]
    public void Bedrock_nova_cache_reads_and_llama()
    {
        // Nova Micro: $0.000035 per 1K input, $0.00000875 per 1K cache read, $0.00014 per 1K output.
        var nova = CostCalculator.Price(Rates("eu.amazon.nova-micro-v1:0"), Usage(prompt: 10_000, completion: 1_000, cached: 8_000));
        Assert.Equal(0.00007m, nova.Input);     // 2,000 x $0.000035 / 1K
        Assert.Equal(0.00007m, nova.CacheRead); // 8,000 x $0.00000875 / 1K
        Assert.Equal(0.00014m, nova.Output);    // 1,000 x $0.00014 / 1K
        Assert.Equal(0.00028m, nova.Total);

        // Llama 3.1 Instruct 70B: $0.00072 per 1K input and output.
        var llama = CostCalculator.Price(Rates("bedrock/meta.llama3-1-70b-instruct-v1:0"), Usage(prompt: 1_000, completion: 500));
        Assert.Equal(0.00108m, llama.Total);    // 1,000 x $0.00072 / 1K + 500 x $0.00072 / 1K
    }

    [Fact]
    public void Gemini_cached_content_and_thinking_tokens()
    {
        // Gemini 2.5 Flash: $0.30 input, $0.03 context-cache read, $2.50 output (thinking included) per 1M
        // (ai.google.dev/gemini-api/docs/pricing).
        var cost = CostCalculator.Price(Rates("gemini/gemini-2.5-flash"), Usage(prompt: 12_000, completion: 2_000, cached: 10_000, reasoning: 1_500));

        Assert.Equal(0.0006m, cost.Input);      // 2,000 x $0.30 / 1M
        Assert.Equal(0.0003m, cost.CacheRead);  // 10,000 x $0.03 / 1M
        Assert.Equal(0.00125m, cost.Output);    // 500 x $2.50 / 1M
        Assert.Equal(0.00375m, cost.Reasoning); // 1,500 x $2.50 / 1M
        Assert.Equal(0.0059m, cost.Total);
    }

    [Fact]
    public void Gemini_pro_at_its_base_tier()
    {
        // Gemini 2.5 Pro (prompts <= 200k): $1.25 input, $10 output per 1M.
        var cost = CostCalculator.Price(Rates("gemini-2.5-pro"), Usage(prompt: 100_000, completion: 10_000));
        Assert.Equal(0.225m, cost.Total); // 100,000 x $1.25 / 1M + 10,000 x $10 / 1M = 0.125 + 0.1
    }

    [Fact]
    public void Embedding_charges_every_input_token_and_no_output()
    {
        // text-embedding-3-small: $0.02 per 1M tokens.
        var cost = CostCalculator.Price(Rates("text-embedding-3-small"), new TokenUsage(1_000_000, 0, 1_000_000));
        Assert.Equal(0.02m, cost.Input);
        Assert.Equal(0.02m, cost.Total);

        // An upstream that reports only total_tokens: 500 x $0.02 / 1M.
        Assert.Equal(0.00001m, CostCalculator.Price(Rates("text-embedding-3-small"), new TokenUsage(0, 0, 500)).Total);

        // Titan Text Embeddings V2 on Bedrock: $0.00002 per 1K tokens; a stray completion count is not charged.
        var titan = CostCalculator.Price(Rates("bedrock/amazon.titan-embed-text-v2:0"), new TokenUsage(10_000, 7, 10_007));
        Assert.Equal(0.0002m, titan.Total); // 10,000 x $0.00002 / 1K
        Assert.Equal(0m, titan.Output);

        // gemini-embedding-001: $0.15 per 1M.
        Assert.Equal(0.0003m, CostCalculator.Price(Rates("gemini/gemini-embedding-001"), new TokenUsage(2_000, 0, 2_000)).Total);
    }

    [Fact]
    public void Per_request_and_per_image_costs_are_added()
    {
        var rates = new ModelRates(0.000001m, 0.000002m, 0.000001m, 0.000001m, 0.000002m, PerImage: 0.001m, PerRequest: 0.01m, 4096, false);
        var cost = CostCalculator.Price(rates, Usage(prompt: 100, completion: 50), images: 3);

        Assert.Equal(0.0001m, cost.Input);  // 100 x $0.000001
        Assert.Equal(0.0001m, cost.Output); // 50 x $0.000002
        Assert.Equal(0.01m, cost.Request);
        Assert.Equal(0.003m, cost.Images);  // 3 x $0.001
        Assert.Equal(0.0132m, cost.Total);
    }

    [Fact]
    public void Inconsistent_counts_never_go_negative_or_count_a_token_twice()
    {
        // More cache and reasoning tokens than the totals claim: the plain parts floor at zero.
        var cost = CostCalculator.Price(Rates("claude-sonnet-4-20250514"), new TokenUsage(100, 10, 110, CachedTokens: 80, CacheWriteTokens: 40, ReasoningTokens: 20));

        Assert.Equal(0m, cost.Input);
        Assert.Equal(0m, cost.Output);
        Assert.Equal(0.000024m, cost.CacheRead);  // 80 x $0.30 / 1M
        Assert.Equal(0.00015m, cost.CacheWrite);  // 40 x $3.75 / 1M
        Assert.Equal(0.0003m, cost.Reasoning);    // 20 x $15 / 1M
    }

    [Fact]
    public void No_usage_costs_nothing()
    {
        Assert.Equal(CostBreakdown.Zero, CostCalculator.Price(Rates("gpt-4o"), TokenUsage.None));
        Assert.Equal(0m, CostBreakdown.Zero.Total);
    }
}
