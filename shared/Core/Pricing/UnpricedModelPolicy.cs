namespace Gateway.Pricing;

/// <summary>
/// <c>general_settings.unpriced_model_policy</c>: what admission does when a key, team or user with a budget calls a
/// model the gateway has no price for (its calls would book $0, so no budget would ever bind on it).
/// </summary>
public enum UnpricedModelPolicy
{
    /// <summary>Refuse the call (the default), naming the model and how to price it.</summary>
    Reject,
    /// <summary>Serve it, book $0, and log a warning.</summary>
    Warn,
    /// <summary>Serve it and book $0 silently.</summary>
    Zero,
}

public static class UnpricedModelPolicies
{
    /// <summary>The policy a config value names (<c>reject</c>, <c>warn</c>, <c>zero</c>); false for anything else.</summary>
    public static bool TryParse(string value, out UnpricedModelPolicy policy)
    {
        policy = value.Trim().ToLowerInvariant() switch
        {
            "reject" => UnpricedModelPolicy.Reject,
            "warn" => UnpricedModelPolicy.Warn,
            "zero" => UnpricedModelPolicy.Zero,
            _ => (UnpricedModelPolicy)(-1),
        };
        return Enum.IsDefined(policy);
    }
}
