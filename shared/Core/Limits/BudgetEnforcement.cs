namespace Gateway.Limits;

/// <summary>
/// How a budget binds a call (<c>budget_enforcement</c>: on a key, else its team, else <c>litellm_settings</c>).
/// <list type="bullet">
/// <item><c>cap</c>: reserve the worst case when it fits; when it does not, lower the call's output cap to what the
/// remaining budget can pay for and reserve exactly that. Refused only when not even one output token fits.</item>
/// <item><c>reserve</c>: reserve the worst case, refuse when it does not fit.</item>
/// <item><c>soft</c>: LiteLLM's rule: admit while the spend so far is under the budget. Concurrent calls can overspend.</item>
/// </list>
/// </summary>
public enum BudgetEnforcement
{
    Cap,
    Reserve,
    Soft,
}

public static class BudgetEnforcements
{
    public static readonly string[] Names = ["cap", "reserve", "soft"];

    public static bool TryParse(string? text, out BudgetEnforcement mode)
    {
        mode = text switch
        {
            "cap" => BudgetEnforcement.Cap,
            "reserve" => BudgetEnforcement.Reserve,
            "soft" => BudgetEnforcement.Soft,
            _ => (BudgetEnforcement)(-1),
        };
        return (int)mode >= 0;
    }

    public static string Name(this BudgetEnforcement mode) => Names[(int)mode];
}
