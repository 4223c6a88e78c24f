using Gateway.Chat;
using Gateway.Limits;
using Gateway.Pricing;

namespace Gateway.Tests.Config;

/// <summary>LiteLLM's custom-pricing fields in <c>litellm_params</c> (and <c>model_info</c>) price calls and reservations.</summary>
public sealed class LitellmParamsPricesTests
{
    [Fact]
    public void Token_and_cache_prices_in_litellm_params_price_the_call()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: private
                litellm_params:
                  model: openai/acme-private-7b
                  api_base: http://127.0.0.1:9/v1
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.000004
                  cache_read_input_token_cost: 0.0000001
                  cache_creation_input_token_cost: 0.00000125
            """);
        var book = new PriceBook(config);

        var rates = book.Rates(config.Deployments[0])!.Value;
        var cost = CostCalculator.Price(rates, new TokenUsage(1_000, 100, 1_100, CachedTokens: 400, CacheWriteTokens: 100));
        // 500 plain x $1/M + 400 read x $0.1/M + 100 written x $1.25/M + 100 out x $4/M
        Assert.Equal(0.0005m + 0.00004m + 0.000125m + 0.0004m, cost.Total);
        Assert.Equal(new ModelPrice(0.000001m, 0.000004m, ModelRates.DefaultMaxOutputTokens), book.For("private"));
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Litellm_params_win_over_model_info_and_the_report_says_so()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params:
                  model: openai/gpt-4o
                  input_cost_per_token: 0.000003
                  output_cost_per_token: 0.00001
                model_info:
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.00001
            """);

        Assert.Equal(0.000003m, new PriceBook(config).For("m").InputPerToken);
        var warning = Assert.Single(config.Warnings);
        Assert.Equal("line 5: model_list[0] ('m').litellm_params.input_cost_per_token: 0.000003 is used; model_info.input_cost_per_token (0.000001) is overridden", warning);
        Assert.Equal(0.000003m, config.Deployments[0].ModelInfo["input_cost_per_token"]!.GetValue<decimal>());
    }

    [Fact]
    public void Per_second_prices_bill_the_duration_and_reserve_the_timeout()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: sagemaker-like
                litellm_params:
                  model: openai/my-endpoint
                  api_base: http://127.0.0.1:9/v1
                  timeout: 30
                  input_cost_per_second: 0.0002
                  output_cost_per_second: 0.0003
              - model_name: embed
                litellm_params:
                  model: openai/my-embedder
                  api_base: http://127.0.0.1:9/v1
                model_info: { mode: embedding, input_cost_per_second: 0.001 }
            """);
        var book = new PriceBook(config);

        var rates = book.Rates(config.Deployments[0])!.Value;
        var cost = CostCalculator.Price(rates, new TokenUsage(10_000, 5_000, 15_000), duration: TimeSpan.FromSeconds(2.5));
        Assert.Equal(0.0005m, cost.Input);
        Assert.Equal(0.00075m, cost.Output);
        Assert.Equal(0.00125m, cost.Total);
        // The worst case covers the whole timeout at both rates: 30 s x $0.0005.
        Assert.Equal(0.015m, book.For("sagemaker-like").FixedCost);
        Assert.Equal(0.015m, book.For("sagemaker-like").Cost(0, 0));

        var embed = CostCalculator.Price(book.Rates(config.Deployments[1])!.Value, new TokenUsage(100, 0, 100), duration: TimeSpan.FromSeconds(3));
        Assert.Equal(0.003m, embed.Total);
    }

    [Theory]
    [InlineData("-0.1")]
    [InlineData("cheap")]
    public void A_bad_price_is_a_problem_naming_the_field(string value)
    {
        var problem = ConfigText.SingleProblem($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: mock/m
                  output_cost_per_token: "{value}"
            """);

        Assert.Equal($"line 5: model_list[0] ('m').litellm_params.output_cost_per_token: '{value}' is not a non-negative amount of dollars", problem);
    }

    [Fact]
    public void Prices_may_come_from_the_environment()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m, input_cost_per_token: os.environ/PRICE_IN }
            """, new() { ["PRICE_IN"] = "0.0000005" });

        Assert.Equal(0.0000005m, new PriceBook(config).For("m").InputPerToken);
    }
}
