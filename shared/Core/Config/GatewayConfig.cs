namespace Gateway.Config;

/// <summary>The validated, fully resolved gateway configuration (secrets already read from the environment).</summary>
public sealed record GatewayConfig
{
    public const long DefaultMaxRequestBytes = 20L * 1024 * 1024;

    public required IReadOnlyList<DeploymentConfig> Deployments { get; init; }

    /// <summary><c>router_settings</c>: strategy, retries, fallbacks, cooldowns, aliases, tag routing.</summary>
    public Routing.RouterSettings Router { get; init; } = new();

    /// <summary>Master key for admin and /v1 calls; null means auth is off (loopback only).</summary>
    public string? MasterKey { get; init; }

    public long MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;

    /// <summary>The most bytes the gateway reads of a non-streamed upstream answer (<c>general_settings.max_response_size_mb</c>).</summary>
    public long MaxResponseBytes { get; init; } = Providers.UpstreamClient.DefaultMaxResponseBytes;

    /// <summary>Whether spend events carry the request and response bodies (off by default), and their size cap.</summary>
    public Gateway.Spend.BodyCapture SpendBodies { get; init; } = new(false, Gateway.Spend.BodyCapture.DefaultMaxBytes);

    /// <summary>How long spend logs are kept and how often the cleanup runs (<c>general_settings.maximum_spend_logs_retention_*</c>).</summary>
    public Gateway.Spend.Retention.SpendLogRetention SpendLogRetention { get; init; } = Gateway.Spend.Retention.SpendLogRetention.Default;
    /// <summary>What admission does with a budgeted caller's call to a model without a price (<c>general_settings.unpriced_model_policy</c>).</summary>
    public Pricing.UnpricedModelPolicy UnpricedModels { get; init; }

    /// <summary>Where spend events go (<c>GATEWAY_SPEND_SINK</c> and friends): straight into the store by default.</summary>
    public Gateway.Spend.SpendSettings Spend { get; init; } = new();

    /// <summary><c>litellm_settings.max_end_user_budget</c>: the budget (USD) of each end user (a request's <c>user</c>) without one of their own.</summary>
    public decimal? MaxEndUserBudget { get; init; }

    /// <summary><c>litellm_settings.max_budget</c> + <c>budget_duration</c>: one budget across every call the gateway serves; null: none.</summary>
    public Keys.SubjectLimits? ProxyBudget { get; init; }

    /// <summary><c>litellm_settings.budget_enforcement</c>: how budgets bind calls whose key and team set none (<c>cap</c> by default).</summary>
    public Limits.BudgetEnforcement BudgetEnforcement { get; init; }

    /// <summary><c>litellm_settings.cache</c> and <c>cache_params</c>: the response cache (off unless <c>cache: true</c>).</summary>
    public Caching.CacheSettings Cache { get; init; } = Caching.CacheSettings.Off;

    /// <summary>Where virtual keys and their counters live (<c>GATEWAY_STORE</c> and friends); embedded SQLite by default.</summary>
    public Keys.StoreSettings Store { get; init; } = new();

    /// <summary>How long <c>/v1/responses</c> keeps responses and how large one may be.</summary>
    public Responses.Storage.StoredResponseSettings StoredResponses { get; init; } = Responses.Storage.StoredResponseSettings.Default;

    /// <summary><c>general_settings.disable_spend_logs</c>: calls are counted in rollups and budgets, but no log of each is kept.</summary>
    public bool DisableSpendLogs { get; init; }

    /// <summary><c>general_settings.require_auth_for_metrics_endpoint</c>: <c>/metrics</c> needs the master key even on loopback.</summary>
    public bool RequireAuthForMetrics { get; init; }

    /// <summary><c>general_settings.alerting</c> and its companions: channels, alert types, URLs, thresholds (see docs/alerts.md).</summary>
    public Alerts.Config.AlertingSettings Alerting { get; init; } = Alerts.Config.AlertingSettings.Off;

    /// <summary><c>general_settings.ui</c>: the admin console at <c>/ui</c> is served (default); false leaves <c>/ui</c> unmapped.</summary>
    public bool Ui { get; init; } = true;

    /// <summary><c>litellm_settings.json_logs</c>: the log is written as one JSON object per line.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>Where the config came from, for messages ("gateway.yaml", or "(built-in)").</summary>
    public string Source { get; init; } = "(built-in)";

    /// <summary>The file's <c>environment_variables</c>; the host sets those the process does not already have.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>();

    /// <summary>Problems that did not stop start-up (unsupported keys and the like).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>What was decided on the file's behalf (inferred providers and the like), stated in the start-up report.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}
