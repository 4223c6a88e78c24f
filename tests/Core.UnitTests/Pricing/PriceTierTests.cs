using System.Text.Json;
using Gateway.Pricing;
using Gateway.Providers.Anthropic;
using Gateway.Providers.Bedrock.Converse;

namespace Gateway.Tests.Pricing;

/// <summary>
/// The price tiers a flat rate leaves out, each worked by hand from the provider's page: long-context rates, 1-hour
/// cache writes, Bedrock's regional-endpoint premium and Azure's Data Zone premium.
/// </summary>
public sealed class PriceTierTests
{
    private static ModelRates Rates(string model) => PriceTable.Default.Lookup(model) ?? throw new Xunit.Sdk.XunitException($"{model} not in the table");

    private static TokenUsage Usage(int prompt, int completion, int cached = 0, int written = 0, int written1h = 0, int reasoning = 0) =>
        new(prompt, completion, prompt + completion, cached, written, reasoning) { CacheWrite1hTokens = written1h };

    [Fact]
    public void A_Claude_prompt_over_200k_tokens_is_charged_at_the_long_context_rates_throughout()
    {
        // Claude Sonnet 4.5 above 200k prompt tokens: $6 input, $7.50 cache write, $0.60 cache hit, $22.50 output per 1M.
        var cost = CostCalculator.Price(Rates("anthropic/claude-sonnet-4-5"),
            Usage(prompt: 150_000 + 50_000 + 10_000, completion: 2_000, cached: 50_000, written: 10_000));

        Assert.Equal(0.9m, cost.Input);        // 150,000 x $6 / 1M
        Assert.Equal(0.03m, cost.CacheRead);   // 50,000 x $0.60 / 1M
        Assert.Equal(0.075m, cost.CacheWrite); // 10,000 x $7.50 / 1M
        Assert.Equal(0.045m, cost.Output);     // 2,000 x $22.50 / 1M
    }

    [Fact]
    public void A_prompt_of_exactly_the_threshold_keeps_the_base_rates()
    {
        // "Above 200k": 200,000 prompt tokens are still $3 / $15 per 1M; one more token switches the whole call.
        var at = CostCalculator.Price(Rates("claude-sonnet-4-5"), Usage(prompt: 200_000, completion: 1_000));
        var over = CostCalculator.Price(Rates("claude-sonnet-4-5"), Usage(prompt: 200_001, completion: 1_000));

        Assert.Equal(0.6m + 0.015m, at.Total);
        Assert.Equal(200_001 * 0.000006m + 0.0225m, over.Total);
    }

    [Fact]
    public void Gemini_and_GPT_long_context_tiers_use_their_own_thresholds()
    {
        // Gemini 2.5 Pro above 200k: $2.50 in / $15 out per 1M; thinking tokens are output.
        var gemini = CostCalculator.Price(Rates("gemini/gemini-2.5-pro"), Usage(prompt: 300_000, completion: 4_000, reasoning: 3_000));
        Assert.Equal(0.75m, gemini.Input);
        Assert.Equal(0.015m, gemini.Output);
        Assert.Equal(0.045m, gemini.Reasoning);

        // GPT-5.5 above 272k: $10 in, $1 cached, $45 out per 1M; at 272k it is still $5 / $0.50 / $30.
        var over = CostCalculator.Price(Rates("gpt-5.5"), Usage(prompt: 400_000, completion: 10_000, cached: 100_000));
        Assert.Equal(3m, over.Input);
        Assert.Equal(0.1m, over.CacheRead);
        Assert.Equal(0.45m, over.Output);
        var under = CostCalculator.Price(Rates("gpt-5.5"), Usage(prompt: 272_000, completion: 10_000, cached: 100_000));
        Assert.Equal(0.86m, under.Input);
        Assert.Equal(0.05m, under.CacheRead);
        Assert.Equal(0.3m, under.Output);
    }

    [Fact]
    public void One_hour_cache_writes_cost_their_own_rate_and_the_rest_of_the_writes_the_5_minute_rate()
    {
        // Claude Opus 4.8: $6.25 per 1M for a 5-minute write, $10 for a 1-hour write.
        var cost = CostCalculator.Price(Rates("claude-opus-4-8"), Usage(prompt: 12_000, completion: 0, written: 10_000, written1h: 4_000));
        Assert.Equal(6_000 * 0.00000625m + 4_000 * 0.00001m, cost.CacheWrite);
        Assert.Equal(2_000 * 0.000005m, cost.Input);

        // A 1-hour count above the writes reported cannot charge more tokens than were written.
        var clamped = CostCalculator.Price(Rates("claude-opus-4-8"), Usage(prompt: 10_000, completion: 0, written: 1_000, written1h: 5_000));
        Assert.Equal(0.01m, clamped.CacheWrite);
    }

    [Fact]
    public void A_model_without_a_1_hour_rate_charges_those_writes_at_its_cache_write_rate()
    {
        var rates = new ModelRates(0.000001m, 0.000002m, 0.0000001m, 0.00000125m, 0.000002m, 0, 0, 4096, false);
        Assert.Equal(0.0000125m, CostCalculator.Price(rates, Usage(prompt: 10, completion: 0, written: 10, written1h: 10)).CacheWrite);
    }

    [Theory]
    // Claude Sonnet 4.6 on Bedrock: $3 / $15 per 1M on the global profile; in-region and geo profiles are 10% dearer.
    [InlineData("bedrock/global.anthropic.claude-sonnet-4-6", "0.000003", "0.000015")]
    [InlineData("bedrock/us.anthropic.claude-sonnet-4-6", "0.0000033", "0.0000165")]
    [InlineData("bedrock/converse/eu.anthropic.claude-sonnet-4-6", "0.0000033", "0.0000165")]
    [InlineData("bedrock/anthropic.claude-sonnet-4-6", "0.0000033", "0.0000165")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/jp.anthropic.claude-sonnet-4-6", "0.0000033", "0.0000165")]
    // Models from before the global profiles have one price everywhere.
    [InlineData("bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0", "0.000003", "0.000015")]
    [InlineData("bedrock/meta.llama3-1-70b-instruct-v1:0", "0.00000072", "0.00000072")]
    public void Bedrock_regional_endpoints_add_the_premium_and_global_ones_do_not(string model, string input, string output)
    {
        var r = Rates(model);
        Assert.Equal(decimal.Parse(input), r.InputPerToken);
        Assert.Equal(decimal.Parse(output), r.OutputPerToken);
    }

    [Fact]
    public void The_premium_raises_every_rate_of_a_regional_call_long_context_included()
    {
        // Claude Sonnet 4.5 on a us. profile: cache hit $0.33, 1-hour write $6.60; above 200k $6.60 in / $24.75 out.
        var r = Rates("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        Assert.Equal(0.00000033m, r.CacheReadPerToken);
        Assert.Equal(0.0000066m, r.CacheWrite1hPerToken);
        Assert.Equal(0.0000066m, r.LongContext!.InputPerToken);
        Assert.Equal(0.00002475m, r.LongContext.OutputPerToken);
    }

    [Theory]
    // Azure OpenAI Data Zone deployments are 10% dearer than Global ones (LiteLLM's azure/us/ and azure/eu/ spellings).
    [InlineData("azure/gpt-4o", "0.0000025")]
    [InlineData("azure/eu/gpt-4o", "0.00000275")]
    [InlineData("azure/us/gpt-5.5", "0.0000055")]
    [InlineData("azure/us/text-embedding-3-small", "0.000000022")]
    public void Azure_data_zone_ids_add_the_premium(string model, string input) =>
        Assert.Equal(decimal.Parse(input), Rates(model).InputPerToken);

    [Fact]
    public void OpenAI_own_API_never_takes_the_Azure_premium()
    {
        Assert.Equal(0.0000025m, Rates("openai/gpt-4o").InputPerToken);
        Assert.Equal(0.0000025m, Rates("gpt-4o").InputPerToken);
    }

    [Fact]
    public void Tiers_and_premiums_are_read_from_a_table_of_our_own()
    {
        var t = PriceTable.Parse("""
            {"source":"s","checked":"2026-12-02","models":{
              "vendor.m":{"provider":"bedrock","mode":"chat","input_cost_per_token":0.000001,"cache_creation_input_token_cost":0.00000125,
                "cache_creation_input_token_cost_above_1hr":"0.000002","output_cost_per_token":0.000005,"max_input_tokens":1000000,"max_output_tokens":64000,
                "long_context":{"above_tokens":200000,"input_cost_per_token":0.000002,"output_cost_per_token":0.0000075},
                "regional_premium":0.25,"source":"https://example.com"}}}
            """);
        var listed = t.Lookup("global.vendor.m")!.Value;
        Assert.Equal(1_000_000, listed.MaxInputTokens);
        Assert.Equal(0.000002m, listed.CacheWrite1hPerToken);
        // Tier cache rates the file leaves out keep their ratio to input: 2x here.
        Assert.Equal(0.0000025m, listed.LongContext!.CacheWritePerToken);
        Assert.Equal(0.000004m, listed.LongContext.CacheWrite1hPerToken);
        Assert.Equal(0.000002m, listed.LongContext.CacheReadPerToken);

        var regional = t.Lookup("us.vendor.m")!.Value;
        Assert.Equal(0.00000125m, regional.InputPerToken);
        Assert.Equal(0.0000025m, regional.CacheWrite1hPerToken);
        Assert.Equal(0.0000025m, regional.LongContext!.InputPerToken);
    }

    [Fact]
    public void A_bad_tier_is_refused_with_each_problem()
    {
        var ex = Assert.Throws<InvalidDataException>(() => PriceTable.Parse("""
            {"source":"s","checked":"2026-12-02","models":{
              "a":{"provider":"p","mode":"chat","input_cost_per_token":0,"output_cost_per_token":0,"source":"https://e.com","long_context":{"input_cost_per_token":1e-6,"output_cost_per_token":1e-6}},
              "b":{"provider":"p","mode":"chat","input_cost_per_token":0,"output_cost_per_token":0,"source":"https://e.com","long_context":{"above_tokens":-5,"input_cost_per_token":1e-6,"output_cost_per_token":1e-6,"batch":1}},
              "c":{"provider":"p","mode":"chat","input_cost_per_token":0,"output_cost_per_token":0,"source":"https://e.com","long_context":[],"regional_premium":"lots"},
              "c":{"provider":"p","mode":"chat","input_cost_per_token":0,"output_cost_per_token":0,"source":"https://e.com"}}}
            """));
        Assert.Contains("models.a.long_context.above_tokens: missing", ex.Message);
        Assert.Contains("models.b.long_context.above_tokens: '-5' is not a positive whole number", ex.Message);
        Assert.Contains("models.b.long_context.batch: unknown field", ex.Message);
        Assert.Contains("models.c.long_context: must be an object", ex.Message);
        Assert.Contains("models.c.regional_premium: '\"lots\"' is not a non-negative amount of dollars", ex.Message);
        Assert.Contains("models.c: listed twice", ex.Message);
    }

    [Fact]
    public void Anthropic_and_Bedrock_report_1_hour_writes_apart()
    {
        using var anthropic = JsonDocument.Parse("""
            {"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":100,"cache_creation_input_tokens":300,
             "cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":200}}
            """);
        var a = AnthropicUsage.Read(anthropic.RootElement).ToOpenAI();
        Assert.Equal((410, 300, 200), (a.PromptTokens, a.CacheWriteTokens, a.CacheWrite1hTokens));

        using var converse = JsonDocument.Parse("""
            {"inputTokens":10,"outputTokens":5,"cacheReadInputTokens":100,"cacheWriteInputTokens":300,
             "cacheDetails":[{"ttl":"1h","inputTokens":200},{"ttl":"5m","inputTokens":100}]}
            """);
        var c = ConverseUsage.Read(converse.RootElement);
        Assert.Equal((410, 300, 200), (c.PromptTokens, c.CacheWriteTokens, c.CacheWrite1hTokens));
    }
}
