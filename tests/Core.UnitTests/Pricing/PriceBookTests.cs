using Gateway.Chat;
using Gateway.Config;
using Gateway.Keys;
using Gateway.Pricing;
using Gateway.Tests.Config;

using Gateway.Limits;

namespace Gateway.Tests.Pricing;

public sealed class PriceBookTests
{
    private const string Config = """
        model_list:
          - model_name: gpt-4o-prod
            litellm_params:
              model: azure/my-prod-deployment
              api_base: https://res.openai.azure.com
              api_key: k
            model_info:
              base_model: azure/gpt-4o-mini
          - model_name: azure-unpriced
            litellm_params:
              model: azure/my-other-deployment
              api_base: https://res.openai.azure.com
              api_key: k
          - model_name: chat
            litellm_params:
              model: openai/gpt-4o-mini
          - model_name: chat
            litellm_params:
              model: openai/gpt-4o
          - model_name: discounted
            litellm_params:
              model: openai/gpt-4o
            model_info:
              input_cost_per_token: 0.000002
              max_tokens: 8000
          - model_name: mock
            litellm_params:
              model: mock/mock-1
          - model_name: priced-mock
            litellm_params:
              model: mock/mock-1
            model_info:
              input_cost_per_token: 0.00000015
              output_cost_per_token: "0.0000006"
              cost_per_request: 0.01
              input_cost_per_image: 0.001
              max_output_tokens: 1000
          - model_name: mock-embedding
            litellm_params:
              model: mock/mock-embedding-1
            model_info:
              mode: embedding
              input_cost_per_token: 0.0000001
          - model_name: claude
            litellm_params:
              model: bedrock/converse/us.anthropic.claude-opus-4-1-20250805-v1:0
              aws_region_name: us-east-1
          - model_name: claude
            litellm_params:
              model: anthropic/claude-sonnet-4-5
        """;

    private static readonly GatewayConfig Parsed = ConfigText.Parse(Config);
    private static readonly PriceBook Book = new(Parsed);

    private static DeploymentConfig Deployment(string name, int nth = 0) => Parsed.Deployments.Where(d => d.ModelName == name).ElementAt(nth);

    [Fact]
    public void Azure_deployment_is_priced_through_its_base_model()
    {
        // gpt-4o-mini: $0.15 input, $0.60 output per 1M (developers.openai.com/api/docs/pricing).
        var rates = Book.Rates(Deployment("gpt-4o-prod"))!.Value;
        var cost = CostCalculator.Price(rates, new TokenUsage(1_000_000, 1_000_000, 2_000_000));

        Assert.Equal(0.15m, cost.Input);
        Assert.Equal(0.6m, cost.Output);
        Assert.Equal(0.75m, cost.Total);
        Assert.Equal(16384, rates.MaxOutputTokens);
    }

    [Fact]
    public void Azure_deployment_without_base_model_is_unknown()
    {
        Assert.Null(Book.Rates(Deployment("azure-unpriced")));
        Assert.Equal(PriceBook.Unknown, Book.For("azure-unpriced"));
    }

    [Fact]
    public void Model_info_overrides_one_field_and_keeps_the_tables_others()
    {
        // gpt-4o overridden to $2.00 input; cache read stays gpt-4o's own $1.25, output its $10, limit from max_tokens.
        var rates = Book.Rates(Deployment("discounted"))!.Value;
        Assert.Equal(0.000002m, rates.InputPerToken);
        Assert.Equal(0.00000125m, rates.CacheReadPerToken);
        Assert.Equal(0.00001m, rates.OutputPerToken);
        Assert.Equal(8000, rates.MaxOutputTokens);

        var cost = CostCalculator.Price(rates, new TokenUsage(10_000, 500, 10_500, CachedTokens: 4_000));
        Assert.Equal(0.012m, cost.Input);     // 6,000 x $2.00 / 1M
        Assert.Equal(0.005m, cost.CacheRead); // 4,000 x $1.25 / 1M
        Assert.Equal(0.005m, cost.Output);    // 500 x $10 / 1M
    }

    [Fact]
    public void Config_can_price_a_mock_model_completely_with_per_request_and_image_costs()
    {
        var rates = Book.Rates(Deployment("priced-mock"))!.Value;
        // YAML's 0.00000015 arrives as a double and must still be exactly 0.00000015.
        Assert.Equal(0.00000015m, rates.InputPerToken);
        Assert.Equal(0.0000006m, rates.OutputPerToken);
        Assert.Equal(rates.InputPerToken, rates.CacheReadPerToken);
        Assert.Equal(rates.OutputPerToken, rates.ReasoningPerToken);
        Assert.Equal(1000, rates.MaxOutputTokens);
        Assert.False(rates.IsEmbedding);

        var cost = CostCalculator.Price(rates, new TokenUsage(1_000, 200, 1_200), images: 2);
        Assert.Equal(0.00015m, cost.Input);  // 1,000 x $0.00000015
        Assert.Equal(0.00012m, cost.Output); // 200 x $0.0000006
        Assert.Equal(0.01m, cost.Request);   // cost_per_request
        Assert.Equal(0.002m, cost.Images);   // 2 x $0.001
        Assert.Equal(0.01227m, cost.Total);
    }

    [Fact]
    public void Config_can_price_an_embedding_model()
    {
        var rates = Book.Rates(Deployment("mock-embedding"))!.Value;
        Assert.True(rates.IsEmbedding);
        Assert.Equal(0.0003m, CostCalculator.Price(rates, new TokenUsage(3_000, 0, 3_000)).Total); // 3,000 x $0.0000001
    }

    [Fact]
    public void A_mock_model_without_prices_is_free_and_an_unknown_name_is_unpriced()
    {
        // mock/ answers offline: $0 is its true price, so budgets need no price for it.
        Assert.Null(Book.Rates(Deployment("mock")));
        Assert.Equal(new ModelPrice(0, 0, 4096), Book.For("mock"));
        Assert.Equal(new ModelPrice(0, 0, 4096, IsPriced: false), Book.For("no-such-model"));
        Assert.Equal(new ModelPrice(0, 0, 4096, IsPriced: false), Book.For("azure-unpriced"));
    }

    [Fact]
    public void Bedrock_profile_in_the_config_is_priced()
    {
        // Claude Opus 4.1 on Bedrock: $0.015 per 1K input, $0.075 per 1K output.
        var rates = Book.Rates(Deployment("claude"))!.Value;
        Assert.Equal(0.09m, CostCalculator.Price(rates, new TokenUsage(1_000, 1_000, 2_000)).Total); // $0.015 + $0.075
    }

    [Fact]
    public void Model_name_price_is_the_dearest_of_its_deployments()
    {
        // chat = gpt-4o-mini ($0.15 / $0.60, 16,384) and gpt-4o ($2.50 / $10, 16,384).
        Assert.Equal(new ModelPrice(0.0000025m, 0.00001m, 16384), Book.For("chat"));
        // claude = Opus 4.1 on Bedrock ($15 / $75, 32,000 out) and Sonnet 4.5 ($3 / $15, 64,000 out; $6 / $22.50 above
        // 200k prompt tokens): each part's maximum, and above 200k the dearest rate either deployment may charge there.
        Assert.Equal(new ModelPrice(0.000015m, 0.000075m, 64000) { LongContext = new LongContextPrice(200_000, 0.000015m, 0.000075m) }, Book.For("claude"));
        Assert.Equal(new ModelPrice(0.00000015m, 0.0000006m, 1000) { FixedCost = 0.01m }, Book.For("priced-mock")); // the per-request fee is reserved too
    }

    [Fact]
    public void Serves_as_the_limits_price_seam()
    {
        IModelPrices prices = Book;
        Assert.Equal(0.0045m, prices.For("gpt-4o-prod").Cost(10_000, 5_000)); // 10,000 x $0.15 / 1M + 5,000 x $0.60 / 1M
    }

    [Fact]
    public void A_deployment_outside_the_config_is_priced_on_demand()
    {
        var other = ConfigText.Parse("""
            model_list:
              - model_name: x
                litellm_params: { model: gemini/gemini-2.0-flash-001 }
            """).Deployments[0];
        Assert.Equal(0.0000001m, Book.Rates(other)!.Value.InputPerToken);
    }

    [Fact]
    public void Unusable_price_fields_stop_start_up_naming_each_one()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: bad
                litellm_params: { model: mock/mock-1 }
                model_info:
                  input_cost_per_token: -0.1
                  output_cost_per_token: cheap
                  max_output_tokens: 10.5
            """);
        var ex = Assert.Throws<ConfigException>(() => new PriceBook(config));
        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.Contains("model_info.input_cost_per_token: '-0.1'"));
        Assert.Contains(ex.Problems, p => p.Contains("model_info.output_cost_per_token: '\"cheap\"'"));
        Assert.Contains(ex.Problems, p => p.Contains("model_info.max_output_tokens: '10.5'"));
    }

    [Fact]
    public void A_reservation_past_the_long_context_threshold_uses_the_tier_rates()
    {
        // claude (Sonnet 4.5 + Opus 4.1): below 200k prompt tokens $15 / $75 per 1M at most; above, the tier bound.
        var price = Book.For("claude");
        Assert.Equal(200_000 * 0.000015m + 1_000 * 0.000075m, price.Cost(200_000, 1_000));
        Assert.Equal(300_000 * 0.000015m + 1_000 * 0.000075m, price.Cost(300_000, 1_000));
        // A Gemini 2.5 Pro group alone: $1.25 / $10 up to 200k, $2.50 / $15 above.
        var gemini = new PriceBook(ConfigText.Parse("""
            model_list:
              - model_name: g
                litellm_params: { model: gemini/gemini-2.5-pro, api_key: k }
            """)).For("g");
        Assert.Equal(100_000 * 0.00000125m + 1_000 * 0.00001m, gemini.Cost(100_000, 1_000));
        Assert.Equal(300_000 * 0.0000025m + 1_000 * 0.000015m, gemini.Cost(300_000, 1_000));
    }

    [Fact]
    public void Model_info_takes_LiteLLMs_long_context_1_hour_and_input_limit_fields()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: private
                litellm_params: { model: openai/our-model, api_base: "http://127.0.0.1:1/v1", api_key: k }
                model_info:
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.000004
                  cache_creation_input_token_cost: 0.00000125
                  cache_creation_input_token_cost_above_1hr: 0.000002
                  input_cost_per_token_above_128k_tokens: 0.000002
                  max_input_tokens: 256000
            """);
        var book = new PriceBook(config);
        var rates = book.Rates(config.Deployments[0])!.Value;
        Assert.Equal(0.000002m, rates.CacheWrite1hPerToken);
        Assert.Equal(256_000, rates.MaxInputTokens);
        Assert.Equal(128_000, rates.LongContext!.AboveTokens);
        Assert.Equal(0.000002m, rates.LongContext.InputPerToken);
        Assert.Equal(0.000004m, rates.LongContext.OutputPerToken); // not set above the threshold: the base rate
        Assert.Equal(new LongContextPrice(128_000, 0.000002m, 0.000004m), book.For("private").LongContext);
    }

    [Fact]
    public void Unusable_tier_fields_in_model_info_stop_start_up()
    {
        var ex = Assert.Throws<ConfigException>(() => new PriceBook(ConfigText.Parse("""
            model_list:
              - model_name: private
                litellm_params: { model: openai/our-model, api_base: "http://127.0.0.1:1/v1", api_key: k }
                model_info:
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.000004
                  input_cost_per_token_above_200k_tokens: lots
                  output_cost_per_token_above_128k_tokens: 0.000008
                  max_input_tokens: -1
            """)));
        Assert.Contains(ex.Problems, p => p.Contains("input_cost_per_token_above_200k_tokens: '\"lots\"' is not a non-negative amount of dollars"));
        Assert.Contains(ex.Problems, p => p.Contains("max_input_tokens: '-1' is not a positive whole number"));
    }
}
