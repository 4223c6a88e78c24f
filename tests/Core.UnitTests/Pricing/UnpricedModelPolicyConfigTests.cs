using Gateway.Pricing;
using Gateway.Tests.Config;

namespace Gateway.Tests.Pricing;

public sealed class UnpricedModelPolicyConfigTests
{
    private static string Yaml(string general) => $"""
        model_list:
          - model_name: m
            litellm_params: {"{"} model: mock/m {"}"}
        general_settings:
        {general}
        """;

    [Fact]
    public void Rejecting_is_the_default()
    {
        Assert.Equal(UnpricedModelPolicy.Reject, ConfigText.Parse(Yaml("  master_key: sk-x")).UnpricedModels);
    }

    [Theory]
    [InlineData("reject", UnpricedModelPolicy.Reject)]
    [InlineData("warn", UnpricedModelPolicy.Warn)]
    [InlineData("zero", UnpricedModelPolicy.Zero)]
    [InlineData("Zero", UnpricedModelPolicy.Zero)]
    public void Each_policy_is_read(string value, UnpricedModelPolicy expected)
    {
        var config = ConfigText.Parse(Yaml($"  unpriced_model_policy: {value}"));
        Assert.Equal(expected, config.UnpricedModels);
        Assert.DoesNotContain(config.Warnings, w => w.Contains("unpriced_model_policy"));
    }

    [Fact]
    public void Another_value_stops_start_up_naming_the_choices()
    {
        var ex = ConfigText.Fails(Yaml("  unpriced_model_policy: allow"));
        Assert.Contains(ex.Problems, p => p.Contains("general_settings.unpriced_model_policy: 'allow' must be reject, warn or zero"));
    }
}
