using Gateway.Keys;

namespace Gateway.Limits;

/// <summary>
/// The subjects one call counts against, each with its limits: a virtual key, its team and user, the key's own limits
/// for the model called, and the end user the request names. Refusal messages and response headers read names and
/// limits from here.
/// </summary>
public sealed class CallCharges
{
    private readonly KeyGrant? _grant;
    private readonly string _model;
    private readonly EndUserCharge? _endUser;

    private CallCharges(KeyGrant? grant, string model, EndUserCharge? endUser, bool softBudgets, SubjectLimits? proxy)
    {
        _grant = grant;
        _model = model;
        _endUser = endUser;
        var list = grant?.Charges(model).ToList() ?? [];
        if (endUser is { } e) list.Add(new SubjectCharge(e.Subject, e.Limits));
        if (proxy is not null) list.Add(new SubjectCharge(Keys.Subjects.Proxy, proxy));
        Subjects = softBudgets ? list.Select(s => s with { Limits = s.Limits with { SoftBudget = true } }).ToList() : list;
    }

    /// <param name="softBudgets">Every budget binds as LiteLLM's does (<see cref="BudgetEnforcement.Soft"/>).</param>
    /// <param name="proxy">The proxy-wide budget (<c>litellm_settings.max_budget</c>), which every call counts against.</param>
    public static CallCharges For(KeyGrant? grant, string model, EndUserCharge? endUser, bool softBudgets = false, SubjectLimits? proxy = null) =>
        new(grant, model, endUser, softBudgets, proxy);

    public IReadOnlyList<SubjectCharge> Subjects { get; }

    /// <summary>Nothing to count: a master-key call without a limited end user, and no proxy-wide budget.</summary>
    public bool IsEmpty => Subjects.Count == 0;

    /// <summary>The virtual key's own subject, whose spend goes into the <c>x-gateway-key-spend</c> header.</summary>
    public string? KeySubject => _grant?.Key.Subject;

    public SubjectLimits? LimitsOf(string subject) => Subjects.FirstOrDefault(s => s.Subject == subject)?.Limits;

    /// <summary>How limit messages name a subject.</summary>
    public string Describe(string? subject)
    {
        if (_endUser is { } e && subject == e.Subject) return $"end user '{e.Id}'";
        if (subject == Keys.Subjects.Proxy) return "the gateway (litellm_settings.max_budget)";
        if (_grant is not { } g) return "this call";
        if (subject == g.Team?.Subject) return $"team '{g.Team!.TeamId}'";
        if (subject == g.User?.Subject) return $"user '{g.User!.UserId}'";
        var key = $"key {g.Key.KeyName ?? "(virtual key)"}";
        return subject == Keys.Subjects.KeyModel(g.Key.Hash, _model) ? $"{key} on model '{_model}'" : key;
    }
}

/// <summary>The end user a call names (the request's <c>user</c>), with the limits that bind it.</summary>
public sealed record EndUserCharge(string Id, SubjectLimits Limits)
{
    public string Subject => Keys.Subjects.EndUser(Id);
}
