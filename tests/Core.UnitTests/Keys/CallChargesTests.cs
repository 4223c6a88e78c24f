using Gateway.Keys;
using Gateway.Limits;

namespace Gateway.Tests.Keys;

public sealed class CallChargesTests
{
    private static readonly KeyRecord Key = new()
    {
        Hash = "abc", KeyName = "sk-...wxyz", MaxBudget = 10m, BudgetDuration = "30d",
        ModelMaxBudget = new() { ["gpt-4o"] = new ModelBudget { Limit = 1m, Period = "1d" }, ["mini"] = new ModelBudget { Limit = 0.5m } },
        ModelRpm = new() { ["gpt-4o"] = 5 },
        ModelTpm = new() { ["embed"] = 1000 },
        Aliases = new() { ["fast"] = "mini" },
    };

    [Fact]
    public void A_model_entry_adds_a_subject_for_that_model_only()
    {
        var grant = new KeyGrant(Key, null, null);
        var charges = CallCharges.For(grant, "gpt-4o", null);
        Assert.Equal([Subjects.Key("abc"), Subjects.KeyModel("abc", "gpt-4o")], charges.Subjects.Select(s => s.Subject));
        Assert.Equal(new SubjectLimits(1m, "1d", 5, null), charges.LimitsOf(Subjects.KeyModel("abc", "gpt-4o")));
        Assert.Equal("key sk-...wxyz on model 'gpt-4o'", charges.Describe(Subjects.KeyModel("abc", "gpt-4o")));
        Assert.Equal("key sk-...wxyz", charges.Describe(Subjects.Key("abc")));
        Assert.Single(CallCharges.For(grant, "other", null).Subjects);
    }

    [Fact]
    public void A_bare_model_budget_resets_with_the_key_budget_and_rate_only_entries_have_no_budget()
    {
        Assert.Equal(new SubjectLimits(0.5m, "30d"), Key.LimitsFor("mini"));
        Assert.Equal(new SubjectLimits(Tpm: 1000), Key.LimitsFor("embed"));
        Assert.True(Key.LimitsFor("none").IsEmpty);
    }

    [Fact]
    public void An_end_user_is_charged_with_or_without_a_key_and_named_in_messages()
    {
        var endUser = new EndUserCharge("ana", new SubjectLimits(MaxBudget: 2m));
        var masterCall = CallCharges.For(null, "gpt-4o", endUser);
        Assert.Equal([Subjects.EndUser("ana")], masterCall.Subjects.Select(s => s.Subject));
        Assert.Null(masterCall.KeySubject);
        Assert.Equal("end user 'ana'", masterCall.Describe(Subjects.EndUser("ana")));
        Assert.True(CallCharges.For(null, "gpt-4o", null).IsEmpty);
        Assert.Equal(Subjects.EndUser("ana"), CallCharges.For(new KeyGrant(Key, null, null), "x", endUser).Subjects[^1].Subject);
    }

    [Fact]
    public void Aliases_map_names_key_first_then_team_and_do_not_chain()
    {
        var team = new TeamRecord { TeamId = "t", ModelAliases = new() { ["fast"] = "team-fast", ["cheap"] = "fast" } };
        var grant = new KeyGrant(Key with { TeamId = "t" }, team, null);
        Assert.Equal("mini", grant.ModelFor("fast"));
        Assert.Equal("fast", grant.ModelFor("cheap"));
        Assert.Equal("gpt-4o", grant.ModelFor("gpt-4o"));
    }
}
