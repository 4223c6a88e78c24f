using Gateway.Alerts.State;

namespace Gateway.Alerts.Delivery;

/// <summary>What the human-facing channels show of an alert: a title and the figures worth a glance.</summary>
public static class AlertText
{
    public static string Title(AlertRecord a) => a.Event switch
    {
        "budget_crossed" => "Budget reached",
        "threshold_crossed" => $"Budget {a.Details.GetValueOrDefault("threshold")} used",
        "soft_budget_crossed" => "Soft budget passed",
        "projected_limit_exceeded" => "Budget forecast to run out",
        "spend_anomaly" => "Unusual spend",
        "llm_too_slow" => "Slow LLM calls",
        "test" => "Test alert",
        _ => a.Event,
    };

    public static List<(string Name, string Value)> Facts(AlertRecord a)
    {
        var facts = new List<(string, string)> { ("Subject", $"{a.EventGroup} {a.KeyAlias ?? a.Subject}") };
        if (a.Spend is { } s) facts.Add(("Spend", "$" + Rules.BudgetRules.Money(s)));
        if (a.MaxBudget is { } m) facts.Add(("Max budget", "$" + Rules.BudgetRules.Money(m)));
        if (a.ProjectedSpend is { } p) facts.Add(("Projected spend", "$" + Rules.BudgetRules.Money(p)));
        if (a.ProjectedExceededDate is { } d) facts.Add(("Runs out", d.UtcDateTime.ToString("yyyy-MM-dd HH:mm") + " UTC"));
        if (a.TeamId is { } t && a.EventGroup != Rules.AlertGroups.Team) facts.Add(("Team", t));
        foreach (var (k, v) in a.Details) facts.Add((k, v));
        return facts;
    }
}
