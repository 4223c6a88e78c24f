using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Constructs;

namespace Gateway.Cdk;

/// <summary>One tenant: its own Lambda function, Function URL and IAM role (a <see cref="GatewayStack"/>).</summary>
public sealed record TenantSettings(
    string Name,
    IReadOnlyList<string> BedrockModels,
    string MasterKeyParameter,
    IReadOnlyList<SecretParameter> ProviderKeys);

/// <summary>An environment variable the app fills at start from an SSM SecureString parameter.</summary>
public sealed record SecretParameter(string EnvironmentVariable, string ParameterName);

public enum LambdaArchitecture { X86_64, Arm64 }

/// <summary>
/// Everything the app reads from CDK context (<c>-c key=value</c> or <c>cdk.json</c>), checked up front so a bad
/// value fails the synth with a message that names the key, not a CloudFormation error at deploy time.
/// </summary>
public sealed partial record GatewaySettings
{
    /// <summary>The Lambda Web Adapter layer version used when <c>lwaLayerArn</c> is not given.</summary>
    public const int DefaultLwaLayerVersion = 26;

    /// <summary>The account that publishes the Lambda Web Adapter layers in the commercial regions.</summary>
    public const string LwaLayerAccount = "753240598075";

    public required string TablePrefix { get; init; }
    public required string AssetPath { get; init; }
    public required LambdaArchitecture Architecture { get; init; }
    public string? LwaLayerArn { get; init; }
    public int LwaLayerVersion { get; init; } = DefaultLwaLayerVersion;
    public int LogRetentionDays { get; init; } = 30;
    public int MemoryMb { get; init; } = 1024;
    public int? ReservedConcurrency { get; init; }
    public int ConcurrencyAlarmThreshold { get; init; } = 800;
    public string? AlarmTopicArn { get; init; }
    public string? Account { get; init; }
    public string? Region { get; init; }
    public required IReadOnlyList<TenantSettings> Tenants { get; init; }

    /// <summary>
    /// A tenant's own table prefix: each tenant has its own tables, so one tenant's keys never authenticate at another's
    /// URL and its role can reach only its own data.
    /// </summary>
    public string TenantTablePrefix(string tenant) => $"{TablePrefix}-{tenant}";
    public string GovernanceTableName(string tenant) => $"{TenantTablePrefix(tenant)}-governance";
    public string SpendTableName(string tenant) => $"{TenantTablePrefix(tenant)}-spend";

    /// <summary>Reads and validates the settings from the app's context.</summary>
    public static GatewaySettings FromContext(Node node)
    {
        var errors = new List<string>();
        string? Str(string key) => ContextString(node.TryGetContext(key));

        var prefix = Str("tablePrefix") ?? "gateway";
        if (!TablePrefixPattern().IsMatch(prefix))
            errors.Add($"tablePrefix: '{prefix}' must be 1-40 letters, digits, '-', '_' or '.'");

        var asset = Str("asset") ?? "../../functions/aws/.deploy";
        asset = Path.GetFullPath(asset);

        var archText = (Str("architecture") ?? "x86_64").ToLowerInvariant();
        LambdaArchitecture arch = LambdaArchitecture.X86_64;
        switch (archText)
        {
            case "x86_64" or "x64" or "amd64": arch = LambdaArchitecture.X86_64; break;
            case "arm64" or "aarch64": arch = LambdaArchitecture.Arm64; break;
            default: errors.Add($"architecture: '{archText}' is not x86_64 or arm64"); break;
        }

        int Int(string key, int fallback, int min, int max)
        {
            var text = Str(key);
            if (text is null) return fallback;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
            errors.Add($"{key}: '{text}' is not a whole number from {min} to {max}");
            return fallback;
        }

        var layerVersion = Int("lwaLayerVersion", DefaultLwaLayerVersion, 1, 10_000);
        var retention = Int("logRetentionDays", 30, 1, 3653);
        if (!GatewayStack.RetentionByDays.ContainsKey(retention))
            errors.Add($"logRetentionDays: {retention} is not a CloudWatch Logs retention ({string.Join(", ", GatewayStack.RetentionByDays.Keys)})");
        var memory = Int("memoryMb", 1024, 128, 10_240);
        var concurrencyThreshold = Int("concurrencyAlarmThreshold", 800, 1, 100_000);
        int? reserved = Str("reservedConcurrency") is null ? null : Int("reservedConcurrency", 0, 0, 100_000);

        var layerArn = Str("lwaLayerArn");
        if (layerArn is not null && !layerArn.StartsWith("arn:", StringComparison.Ordinal))
            errors.Add($"lwaLayerArn: '{layerArn}' is not an ARN");
        var topic = Str("alarmTopicArn");
        if (topic is not null && !topic.StartsWith("arn:", StringComparison.Ordinal))
            errors.Add($"alarmTopicArn: '{topic}' is not an ARN");

        var account = Str("account") ?? Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT");
        var region = Str("region") ?? Environment.GetEnvironmentVariable("CDK_DEFAULT_REGION");

        var defaultModels = ContextList(node.TryGetContext("bedrockModels"));
        var defaultProviderKeys = ContextList(node.TryGetContext("providerKeys"));
        var defaultAlertSecrets = ContextList(node.TryGetContext("alertSecrets"));
        var defaultMasterKey = Str("masterKeyParameter");

        var tenants = new List<TenantSettings>();
        var names = ContextList(node.TryGetContext("tenants"));
        var file = Str("tenantsFile");
        if (names.Count > 0 && file is not null)
            errors.Add("tenants and tenantsFile: give one of them, not both");
        else if (file is not null)
            tenants.AddRange(ReadTenantsFile(file, prefix, defaultModels, defaultProviderKeys, defaultAlertSecrets, defaultMasterKey, errors));
        else
            foreach (var name in names)
                tenants.Add(Tenant(name, prefix, defaultModels, defaultProviderKeys, defaultAlertSecrets, defaultMasterKey, errors, "tenants"));

        if (tenants.Count == 0 && errors.Count == 0)
            errors.Add("tenants: none given; deploy with -c tenants=a,b or -c tenantsFile=tenants.json");
        foreach (var dup in tenants.GroupBy(t => t.Name).Where(g => g.Count() > 1))
            errors.Add($"tenants: '{dup.Key}' is listed more than once");

        if (errors.Count > 0)
            throw new ArgumentException("Invalid CDK context for the gateway:\n  " + string.Join("\n  ", errors));

        return new GatewaySettings
        {
            TablePrefix = prefix,
            AssetPath = asset,
            Architecture = arch,
            LwaLayerArn = layerArn,
            LwaLayerVersion = layerVersion,
            LogRetentionDays = retention,
            MemoryMb = memory,
            ReservedConcurrency = reserved,
            ConcurrencyAlarmThreshold = concurrencyThreshold,
            AlarmTopicArn = topic,
            Account = string.IsNullOrEmpty(account) ? null : account,
            Region = string.IsNullOrEmpty(region) ? null : region,
            Tenants = tenants,
        };
    }

    private static IEnumerable<TenantSettings> ReadTenantsFile(string path, string prefix, IReadOnlyList<string> defaultModels,
        IReadOnlyList<string> defaultProviderKeys, IReadOnlyList<string> defaultAlertSecrets, string? defaultMasterKey, List<string> errors)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            errors.Add($"tenantsFile: cannot read '{Path.GetFullPath(path)}': {e.Message}");
            yield break;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("tenants", out var list)) root = list;
            if (root.ValueKind != JsonValueKind.Array)
            {
                errors.Add("tenantsFile: expected an array of tenants or {\"tenants\": [...]}");
                yield break;
            }
            var i = 0;
            foreach (var item in root.EnumerateArray())
            {
                var where = $"tenantsFile: tenants[{i++}]";
                if (item.ValueKind == JsonValueKind.String)
                {
                    yield return Tenant(item.GetString()!, prefix, defaultModels, defaultProviderKeys, defaultAlertSecrets, defaultMasterKey, errors, where);
                    continue;
                }
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"{where}: expected a name or an object with a string \"name\"");
                    continue;
                }
                foreach (var p in item.EnumerateObject())
                    if (p.Name is not ("name" or "bedrockModels" or "providerKeys" or "alertSecrets" or "masterKeyParameter"))
                        errors.Add($"{where}.{p.Name}: unknown field (known: name, bedrockModels, providerKeys, alertSecrets, masterKeyParameter)");
                var models = item.TryGetProperty("bedrockModels", out var m) ? JsonStrings(m, $"{where}.bedrockModels", errors) : defaultModels;
                var keys = item.TryGetProperty("providerKeys", out var k) ? JsonStrings(k, $"{where}.providerKeys", errors) : defaultProviderKeys;
                var alerts = item.TryGetProperty("alertSecrets", out var a) ? JsonStrings(a, $"{where}.alertSecrets", errors) : defaultAlertSecrets;
                var master = item.TryGetProperty("masterKeyParameter", out var mk) && mk.ValueKind == JsonValueKind.String ? mk.GetString() : defaultMasterKey;
                yield return Tenant(n.GetString()!, prefix, models, keys, alerts, master, errors, where);
            }
        }
    }

    private static List<string> JsonStrings(JsonElement e, string where, List<string> errors)
    {
        var result = new List<string>();
        if (e.ValueKind == JsonValueKind.String) return SplitList(e.GetString()!);
        if (e.ValueKind != JsonValueKind.Array) { errors.Add($"{where}: expected an array of strings"); return result; }
        foreach (var s in e.EnumerateArray())
            if (s.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(s.GetString())) result.Add(s.GetString()!.Trim());
            else errors.Add($"{where}: expected an array of strings");
        return result;
    }

    /// <summary>The variables alert channels read their URL or signing secret from (docs/alerts.md).</summary>
    public static readonly string[] AlertSecretNames = ["SLACK_WEBHOOK_URL", "TEAMS_WEBHOOK_URL", "WEBHOOK_URL", "GATEWAY_WEBHOOK_SIGNING_SECRET"];

    private static TenantSettings Tenant(string name, string prefix, IReadOnlyList<string> models, IReadOnlyList<string> providerKeys,
        IReadOnlyList<string> alertSecrets, string? masterKeyTemplate, List<string> errors, string where)
    {
        if (!TenantPattern().IsMatch(name))
            errors.Add($"{where}: tenant name '{name}' must be 1-32 lower-case letters, digits or '-', starting with a letter or digit");
        foreach (var model in models)
            if (!ModelPattern().IsMatch(model))
                errors.Add($"{where}: bedrockModels entry '{model}' is not a Bedrock model id, inference profile id or ARN");

        var master = (masterKeyTemplate ?? "/{prefix}/{tenant}/master-key").Replace("{tenant}", name).Replace("{prefix}", prefix);
        if (!ParameterPattern().IsMatch(master))
            errors.Add($"{where}: masterKeyParameter '{master}' is not an SSM parameter name");

        var secrets = new List<SecretParameter>();
        // Alert channel URLs and the signing secret are SSM SecureStrings read at start, as provider keys are.
        foreach (var (field, entries) in new[] { ("providerKeys", providerKeys), ("alertSecrets", alertSecrets) })
            foreach (var entry in entries)
            {
                var eq = entry.IndexOf('=');
                var env = (eq < 0 ? entry : entry[..eq]).Trim();
                var param = eq < 0 ? $"/{prefix}/{name}/{env}" : entry[(eq + 1)..].Trim().Replace("{tenant}", name).Replace("{prefix}", prefix);
                if (!EnvNamePattern().IsMatch(env))
                    errors.Add($"{where}: {field} entry '{entry}': '{env}' is not an environment variable name");
                else if (field == "alertSecrets" && !AlertSecretNames.Contains(env))
                    errors.Add($"{where}: alertSecrets entry '{entry}': '{env}' is not an alert secret (use {string.Join(", ", AlertSecretNames)})");
                else if (!ParameterPattern().IsMatch(param))
                    errors.Add($"{where}: {field} entry '{entry}': '{param}' is not an SSM parameter name");
                else if (secrets.Any(s => s.EnvironmentVariable == env))
                    errors.Add($"{where}: {field} names {env} more than once");
                else
                    secrets.Add(new SecretParameter(env, param));
            }
        return new TenantSettings(name, models.Distinct().ToList(), master, secrets);
    }

    /// <summary>A context value as a string: CLI <c>-c</c> values are strings; <c>cdk.json</c> values may be numbers.</summary>
    internal static string? ContextString(object? value) => value switch
    {
        null => null,
        string s => string.IsNullOrWhiteSpace(s) ? null : s.Trim(),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A list from context: <c>"a,b"</c> from the CLI, or a JSON array from <c>cdk.json</c>.</summary>
    internal static List<string> ContextList(object? value)
    {
        switch (value)
        {
            case null: return [];
            case string s: return SplitList(s);
            case IEnumerable e:
                var list = new List<string>();
                foreach (var item in e)
                    if (ContextString(item) is { } text) list.AddRange(SplitList(text));
                return list;
            default: return SplitList(value.ToString() ?? "");
        }
    }

    private static List<string> SplitList(string s)
    {
        s = s.Trim();
        if (s.StartsWith('[')) // a JSON array passed on the command line
        {
            try
            {
                using var doc = JsonDocument.Parse(s);
                return doc.RootElement.EnumerateArray().Select(e => e.ToString().Trim()).Where(x => x.Length > 0).ToList();
            }
            catch (JsonException) { /* fall through: treat as a plain comma list */ }
        }
        return s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")] private static partial Regex TenantPattern();
    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,40}$")] private static partial Regex TablePrefixPattern();
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")] private static partial Regex EnvNamePattern();
    [GeneratedRegex("^/?[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$")] private static partial Regex ParameterPattern();
    [GeneratedRegex("^(arn:[a-z-]+:bedrock:[a-z0-9-]*:[0-9]*:[a-z-]+/[A-Za-z0-9._:/-]+|[a-z0-9-]+(\\.[A-Za-z0-9_-]+)+(:[0-9A-Za-z:._-]*)?)$")] private static partial Regex ModelPattern();
}
