using Gateway.Config.Sections;
using Gateway.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config;

/// <summary>
/// Reads a LiteLLM-shaped <c>gateway.yaml</c>, resolves <c>os.environ/NAME</c> values and validates the whole file
/// at once, so a bad file fails start-up with every problem listed (entry, field, cause), not just the first.
/// Each section has its own reader in <c>Sections/</c>; provider-specific rules live beside each provider.
/// </summary>
public static class GatewayConfigLoader
{
    private static readonly HashSet<string> TopLevelKeys = ["model_list", "general_settings", "litellm_settings", "router_settings", "environment_variables", ConfigIncludes.Key];

    /// <summary>Loads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file is missing, not YAML, or invalid.</exception>
    public static GatewayConfig Load(string path, Func<string, string?>? env = null)
    {
        if (!File.Exists(path))
            throw new ConfigException(path, [$"file not found (full path: {Path.GetFullPath(path)})"]);
        return Parse(File.ReadAllText(path), path, env, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Parses and validates YAML text; <paramref name="source"/> names it in messages.</summary>
    /// <param name="baseDirectory">Where <c>include:</c> paths are relative to (default: the working directory).</param>
    /// <exception cref="ConfigException">The text is not YAML, or invalid.</exception>
    public static GatewayConfig Parse(string yaml, string source, Func<string, string?>? env = null, string? baseDirectory = null)
    {
        var report = new ConfigDiagnostics();
        var environment = new ConfigEnvironment(env ?? Environment.GetEnvironmentVariable);
        var fields = new YamlFields(report, environment);
        var root = YamlRootReader.Read(yaml, source, report);

        var deployments = new List<DeploymentConfig>();
        var general = new GeneralSettings();
        var litellm = new LitellmSettings();
        var router = new Routing.RouterSettings();
        var cache = Caching.CacheSettings.Off;
        var alerting = Alerts.Config.AlertingSettings.Off;
        if (root is not null)
        {
            new ConfigIncludes(report).Expand(root, baseDirectory ?? Directory.GetCurrentDirectory(), source);
            fields.WarnUnknown(root, TopLevelKeys, "");
            // First: os.environ/NAME anywhere else may name one of these variables.
            new EnvironmentVariablesSection(fields, report, environment).Read(root);
            var litellmSection = new LitellmSettingsSection(fields, report);
            litellm = litellmSection.Read(root);
            deployments = new ModelListSection(fields, report, new LitellmParamsSection(fields, report, environment, litellm)).Read(root);
            general = new GeneralSettingsSection(fields, report).Read(root);
            alerting = new AlertingSection(fields, report, environment).Read(YamlFields.Child(root, "general_settings") as YamlDotNet.RepresentationModel.YamlMappingNode);
            deployments = litellmSection.ReadGroupSettings(root, deployments);
            router = new RouterSettingsSection(fields, report).Read(root, deployments);
            cache = litellmSection.ReadCache(root, deployments.Select(d => d.ModelName).ToHashSet(StringComparer.Ordinal));
        }

        if (report.Problems.Count > 0)
            throw new ConfigException(source, report.Problems);
        return new GatewayConfig
        {
            Deployments = deployments,
            Router = router,
            MasterKey = general.MasterKey,
            MaxRequestBytes = general.MaxRequestBytes,
            MaxResponseBytes = general.MaxResponseBytes,
            SpendBodies = general.SpendBodies,
            JsonLogs = litellm.JsonLogs,
            DisableSpendLogs = general.DisableSpendLogs,
            RequireAuthForMetrics = general.RequireAuthForMetrics,
            Alerting = alerting,
            Ui = general.Ui,
            SpendLogRetention = general.SpendLogRetention,
            StoredResponses = general.StoredResponses,
            UnpricedModels = general.UnpricedModels,
            MaxEndUserBudget = litellm.MaxEndUserBudget,
            ProxyBudget = litellm.MaxBudget is { } max ? new Keys.SubjectLimits(max, litellm.BudgetDuration) : null,
            BudgetEnforcement = litellm.BudgetEnforcement,
            Cache = cache,
            Source = source,
            Warnings = report.Warnings,
            Notices = report.Notes,
            EnvironmentVariables = environment.Declared,
        };
    }
}
