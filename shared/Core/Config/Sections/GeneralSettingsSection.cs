using Gateway.Config.Yaml;
using Gateway.Providers;
using Gateway.Spend;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>What <c>general_settings</c> sets; the defaults hold when the section or a key is absent.</summary>
internal sealed record GeneralSettings
{
    public string? MasterKey { get; init; }
    public long MaxRequestBytes { get; init; } = GatewayConfig.DefaultMaxRequestBytes;
    public long MaxResponseBytes { get; init; } = UpstreamClient.DefaultMaxResponseBytes;
    public BodyCapture SpendBodies { get; init; } = new(false, BodyCapture.DefaultMaxBytes);
    public Spend.Retention.SpendLogRetention SpendLogRetention { get; init; } = Spend.Retention.SpendLogRetention.Default;
    public Pricing.UnpricedModelPolicy UnpricedModels { get; init; }
    public bool DisableSpendLogs { get; init; }
    public bool RequireAuthForMetrics { get; init; }
    public Responses.Storage.StoredResponseSettings StoredResponses { get; init; } = Responses.Storage.StoredResponseSettings.Default;
    public bool Ui { get; init; } = true;
}

/// <summary><c>general_settings</c>: the master key, request and response size caps, and spend-log body capture.</summary>
internal sealed class GeneralSettingsSection(YamlFields fields, ConfigDiagnostics report)
{
    /// <summary>LiteLLM's Postgres (and Prisma) settings: state lives in the gateway's own store, so they have nothing to set.</summary>
    private static readonly string[] DatabaseKeys =
    [
        "database_url", "database_connection_pool_limit", "database_connection_timeout", "allow_requests_on_db_unavailable",
        "proxy_batch_write_at", "disable_prisma_schema_update", "store_model_in_db", "database_args",
    ];

    private static readonly HashSet<string> Keys =
    [
        "master_key", "max_request_size_mb", "max_response_size_mb", "store_prompts_in_spend_logs", "spend_logs_max_body_bytes",
        "disable_spend_logs", "require_auth_for_metrics_endpoint", "unpriced_model_policy", "ui", .. AlertingSection.Keys,
        "responses_store_ttl_days", "responses_store_max_bytes",
        Spend.Retention.RetentionSettingsReader.PeriodKey, Spend.Retention.RetentionSettingsReader.IntervalKey, .. DatabaseKeys,
    ];

    public GeneralSettings Read(YamlMappingNode root)
    {
        var settings = new GeneralSettings();
        var node = YamlFields.Child(root, "general_settings");
        if (node is not null && !YamlValues.IsNull(node) && node is not YamlMappingNode)
            report.Problem(node, "general_settings: must be a mapping (master_key, max_request_size_mb)");
        if (node is not YamlMappingNode general) return settings;

        fields.WarnUnknown(general, Keys, "general_settings.");
        var masterKey = fields.OptionalString(general, "master_key", "general_settings.master_key");
        if (masterKey is not null && !masterKey.StartsWith("sk-", StringComparison.Ordinal))
            report.Problem(general, "general_settings.master_key: must start with 'sk-' (LiteLLM's rule; it keeps keys recognisable in logs and scanners)");
        settings = settings with { MasterKey = masterKey };
        if (fields.OptionalNumber(general, "max_request_size_mb", "general_settings.max_request_size_mb", min: 0.001) is { } mb)
            settings = settings with { MaxRequestBytes = (long)(mb * 1024 * 1024) };
        // Up to 2000 MB: a whole answer is held in one array, whose length stays under 2 GiB.
        if (fields.OptionalNumber(general, "max_response_size_mb", "general_settings.max_response_size_mb", min: 0.001, max: 2000) is { } responseMb)
            settings = settings with { MaxResponseBytes = (long)(responseMb * 1024 * 1024) };
        if (fields.OptionalString(general, "store_prompts_in_spend_logs", "general_settings.store_prompts_in_spend_logs") is { } store)
        {
            if (bool.TryParse(store, out var on)) settings = settings with { SpendBodies = settings.SpendBodies with { Enabled = on } };
            else report.Problem(YamlFields.Child(general, "store_prompts_in_spend_logs")!, $"general_settings.store_prompts_in_spend_logs: '{store}' must be true or false");
        }
        if (fields.OptionalNumber(general, "spend_logs_max_body_bytes", "general_settings.spend_logs_max_body_bytes", min: 1, max: 1_000_000, integer: true) is { } cap)
            settings = settings with { SpendBodies = settings.SpendBodies with { MaxBytes = (int)cap } };
        settings = settings with { SpendLogRetention = Spend.Retention.RetentionSettingsReader.Read(fields, general, report) };
        if (fields.OptionalString(general, "unpriced_model_policy", "general_settings.unpriced_model_policy") is { } policy)
        {
            if (Pricing.UnpricedModelPolicies.TryParse(policy, out var p)) settings = settings with { UnpricedModels = p };
            else report.Problem(YamlFields.Child(general, "unpriced_model_policy")!, $"general_settings.unpriced_model_policy: '{policy}' must be reject, warn or zero");
        }
        if (fields.OptionalBool(general, "disable_spend_logs", "general_settings.disable_spend_logs") == true)
            settings = settings with { DisableSpendLogs = true };
        if (fields.OptionalBool(general, "require_auth_for_metrics_endpoint", "general_settings.require_auth_for_metrics_endpoint") == true)
            settings = settings with { RequireAuthForMetrics = true };
        // The gateway's own keys (LiteLLM keeps no responses itself): how long /v1/responses keeps a response, and how large one may grow.
        if (fields.OptionalNumber(general, "responses_store_ttl_days", "general_settings.responses_store_ttl_days", min: 0.001, max: 3650) is { } days)
            settings = settings with { StoredResponses = settings.StoredResponses with { Ttl = TimeSpan.FromDays(days) } };
        if (fields.OptionalNumber(general, "responses_store_max_bytes", "general_settings.responses_store_max_bytes", min: 1024, max: 64 * 1024 * 1024, integer: true) is { } max)
            settings = settings with { StoredResponses = settings.StoredResponses with { MaxBytes = (int)max } };
        if (fields.OptionalBool(general, "ui", "general_settings.ui") == false)
            settings = settings with { Ui = false };
        var database = DatabaseKeys.Where(k => YamlFields.Child(general, k) is not null).ToList();
        if (database.Count > 0)
            report.Note(YamlFields.Child(general, database[0])!, $"general_settings.{string.Join(", ", database)}: Postgres is not used; keys, budgets and spend live in the gateway's own store (GATEWAY_STORE: embedded SQLite by default, Azure Table Storage or DynamoDB)");
        return settings;
    }
}
