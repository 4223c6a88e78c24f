namespace Gateway.Tests.Config;

public sealed class MaxEndUserBudgetTests
{
    private const string Models = """
        model_list:
          - model_name: m
            litellm_params: { model: mock/m }
        """;

    [Fact]
    public void Max_end_user_budget_is_read_without_a_warning()
    {
        var config = ConfigText.Parse(Models + "\nlitellm_settings:\n  max_end_user_budget: 0.25\n");
        Assert.Equal(0.25m, config.MaxEndUserBudget);
        Assert.Empty(config.Warnings);
        Assert.Null(ConfigText.Parse(Models).MaxEndUserBudget);
    }

    [Fact]
    public void A_negative_or_non_numeric_budget_stops_start_up()
    {
        Assert.Contains("litellm_settings.max_end_user_budget", ConfigText.SingleProblem(Models + "\nlitellm_settings:\n  max_end_user_budget: -1\n"));
        Assert.Contains("is not a number", ConfigText.SingleProblem(Models + "\nlitellm_settings:\n  max_end_user_budget: lots\n"));
    }
}
