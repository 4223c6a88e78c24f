using Gateway.Infra.Azure.Tests.Infrastructure;

namespace Gateway.Infra.Azure.Tests;

/// <summary>
/// The two-tenant example (examples/two-tenants.bicepparam) evaluated by `bicep snapshot`: the resources a deployment
/// would create, with every value that is known before deployment computed.
/// </summary>
public sealed class TwoTenantSnapshotTests
{
    private static readonly string[] Tenants = ["contoso", "fabrikam"];

    private static class Role
    {
        public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
        public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
        public const string EventHubsDataSender = "2b629674-e913-4c01-ae53-ef4638d8f975";
        public const string EventHubsDataReceiver = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";
        public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
        public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
        public const string CognitiveServicesOpenAiUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
    }

    /// <summary>The app settings the app and the Functions host read; the app code depends on these exact names.</summary>
    public static readonly string[] PlatformSettings =
    [
        "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
        "SpendEventHub__fullyQualifiedNamespace", "SpendEventHub__credential", "SpendEventHub__clientId",
        "SPEND_EVENTHUB_NAME", "SPEND_EVENTHUB_CONSUMER_GROUP",
        "GATEWAY_TENANT", "GATEWAY_STORE", "GATEWAY_TABLES_ENDPOINT", "GATEWAY_TABLE_PREFIX", "GATEWAY_SPEND_SINK",
        "GATEWAY_EVENTHUBS_NAMESPACE", "GATEWAY_EVENTHUBS_HUB", "GATEWAY_MASTER_KEY", "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    private static async Task<JsonObject[]> ResourcesAsync() =>
        (await Deployments.TwoTenantsAsync())["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToArray();

    private static IEnumerable<JsonObject> OfType(IEnumerable<JsonObject> resources, string type) =>
        resources.Where(r => r["type"]!.GetValue<string>() == type);

    private static string Id(JsonObject resource) => resource["id"]!.GetValue<string>();

    private static JsonObject Site(JsonObject[] resources, string tenant) =>
        Assert.Single(OfType(resources, "Microsoft.Web/sites"), s => s["name"]!.GetValue<string>().StartsWith($"func-{tenant}-", StringComparison.Ordinal));

    private static Dictionary<string, string> AppSettings(JsonObject site) =>
        site["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.GetValue<string>());

    private static string IdentityId(JsonObject[] resources, string tenant) =>
        Id(Assert.Single(OfType(resources, "Microsoft.ManagedIdentity/userAssignedIdentities"),
            i => i["name"]!.GetValue<string>().StartsWith($"id-{tenant}-", StringComparison.Ordinal)));

    [Fact]
    public async Task TheWholeDeploymentEvaluatesBeforeItRuns()
    {
        // No nested deployment short-circuited: what-if and the snapshot see every resource.
        var snapshot = await Deployments.TwoTenantsAsync();
        Assert.Empty(snapshot["diagnostics"]!.AsArray());
        Assert.DoesNotContain("ShortCircuited", snapshot["cliOutput"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneFunctionAppPerTenant()
    {
        var resources = await ResourcesAsync();
        var sites = OfType(resources, "Microsoft.Web/sites").ToArray();
        Assert.Equal(2, sites.Length);
        Assert.Equal(2, OfType(resources, "Microsoft.Web/serverfarms").Count());
        Assert.All(OfType(resources, "Microsoft.Web/serverfarms"), plan =>
        {
            Assert.Equal("FC1", plan["sku"]!["name"]!.GetValue<string>());
            Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());
        });
        foreach (var tenant in Tenants)
        {
            var site = Site(resources, tenant);
            var properties = site["properties"]!;
            var identityId = IdentityId(resources, tenant);
            Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
            Assert.Equal([identityId], site["identity"]!["userAssignedIdentities"]!.AsObject().Select(p => p.Key));
            Assert.Equal(identityId, properties["keyVaultReferenceIdentity"]!.GetValue<string>());
            Assert.True(properties["httpsOnly"]!.GetValue<bool>());
            Assert.Contains($"/serverfarms/plan-{tenant}-", properties["serverFarmId"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("Disabled", properties["siteConfig"]!["ftpsState"]!.GetValue<string>());
            Assert.Equal("1.2", properties["siteConfig"]!["minTlsVersion"]!.GetValue<string>());
            var config = properties["functionAppConfig"]!;
            Assert.Equal("custom", config["runtime"]!["name"]!.GetValue<string>());
            var deployment = config["deployment"]!["storage"]!;
            Assert.Equal("blobContainer", deployment["type"]!.GetValue<string>());
            Assert.Contains("app-package", deployment["value"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("UserAssignedIdentity", deployment["authentication"]!["type"]!.GetValue<string>());
            Assert.Equal(identityId, deployment["authentication"]!["userAssignedIdentityResourceId"]!.GetValue<string>());
        }
        Assert.Equal(40, Site(resources, "fabrikam")["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!["maximumInstanceCount"]!.GetValue<int>());
        Assert.Equal(100, Site(resources, "contoso")["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!["maximumInstanceCount"]!.GetValue<int>());
        // Basic-auth publishing is off for both apps.
        Assert.Equal(4, OfType(resources, "Microsoft.Web/sites/basicPublishingCredentialsPolicies").Count(p => !p["properties"]!["allow"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task ExactlyOneAppIsTheAzdServiceTarget()
    {
        var resources = await ResourcesAsync();
        var tagged = OfType(resources, "Microsoft.Web/sites").Where(s => s["tags"]?["azd-service-name"] is not null).ToArray();
        var site = Assert.Single(tagged);
        Assert.Equal("gateway", site["tags"]!["azd-service-name"]!.GetValue<string>());
        Assert.StartsWith("func-contoso-", site["name"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppSettingsUseIdentitiesAndKeyVaultReferences()
    {
        var resources = await ResourcesAsync();
        foreach (var tenant in Tenants)
        {
            var settings = AppSettings(Site(resources, tenant));
            Assert.Superset(PlatformSettings.ToHashSet(), settings.Keys.ToHashSet());
            Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
            Assert.Equal("managedidentity", settings["SpendEventHub__credential"]);
            Assert.StartsWith("st", settings["AzureWebJobsStorage__accountName"], StringComparison.Ordinal);
            Assert.Equal($"spend-{tenant}", settings["SPEND_EVENTHUB_NAME"]);
            Assert.Equal($"spend-{tenant}", settings["GATEWAY_EVENTHUBS_HUB"]);
            Assert.Equal("spend-ingest", settings["SPEND_EVENTHUB_CONSUMER_GROUP"]);
            Assert.Equal(tenant, settings["GATEWAY_TENANT"]);
            Assert.Equal("tables", settings["GATEWAY_STORE"]);
            Assert.Equal("eventhubs", settings["GATEWAY_SPEND_SINK"]);
            Assert.Equal("gateway", settings["GATEWAY_TABLE_PREFIX"]);
            Assert.Contains($"'{settings["AzureWebJobsStorage__accountName"]}'", settings["GATEWAY_TABLES_ENDPOINT"], StringComparison.Ordinal);
            Assert.Contains(".table.", settings["GATEWAY_TABLES_ENDPOINT"], StringComparison.Ordinal);
            // The master key and provider keys are Key Vault references, never values.
            Assert.Contains("@Microsoft.KeyVault(SecretUri=", settings["GATEWAY_MASTER_KEY"], StringComparison.Ordinal);
            Assert.Contains($"'master-key-{tenant}'", settings["GATEWAY_MASTER_KEY"], StringComparison.Ordinal);
            Assert.Contains("@Microsoft.KeyVault(SecretUri=", settings["OPENAI_API_KEY"], StringComparison.Ordinal);
            Assert.DoesNotContain(settings.Values, v => v.Contains(BicepCli.ExampleMasterKeySeed, StringComparison.Ordinal));
            Assert.DoesNotContain(settings.Values, v => v.Contains(BicepCli.ExampleProviderKey, StringComparison.Ordinal));
            Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
            // Settings a Flex Consumption app must not carry.
            Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
            Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings.Keys);
            Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        }
        Assert.Equal("2", AppSettings(Site(resources, "contoso"))["GATEWAY_KEY_CACHE_SECONDS"]);
        Assert.DoesNotContain("GATEWAY_KEY_CACHE_SECONDS", AppSettings(Site(resources, "fabrikam")).Keys);
    }

    [Fact]
    public async Task SpendProducerNeedsNoInfraChange()
    {
        // The Event Hubs SDK producer (the default transport, amqp) runs on what the template already sets: no transport
        // setting (so amqp), the trigger's namespace, the app's own identity (its Data Sender role on its own hub is checked
        // in RolesAreGrantedOnTheNarrowestResource), and a namespace reachable over AMQP (no network rules leaving only 443).
        var resources = await ResourcesAsync();
        var ns = Assert.Single(OfType(resources, "Microsoft.EventHub/namespaces"));
        Assert.Equal("Enabled", ns["properties"]!["publicNetworkAccess"]!.GetValue<string>());
        Assert.Empty(OfType(resources, "Microsoft.EventHub/namespaces/networkRuleSets"));
        foreach (var tenant in Tenants)
        {
            var settings = AppSettings(Site(resources, tenant));
            Assert.DoesNotContain("GATEWAY_EVENTHUBS_TRANSPORT", settings.Keys);
            Assert.DoesNotContain("GATEWAY_EVENTHUBS_ENDPOINT", settings.Keys);
            Assert.Equal(settings["SpendEventHub__fullyQualifiedNamespace"], settings["GATEWAY_EVENTHUBS_NAMESPACE"]);
            Assert.Equal(settings["SPEND_EVENTHUB_NAME"], settings["GATEWAY_EVENTHUBS_HUB"]);
            Assert.Equal(settings["SpendEventHub__clientId"], settings["AZURE_CLIENT_ID"]);
            // A host name, as the SDK takes it: the namespace's service bus endpoint without its scheme and port.
            var host = settings["GATEWAY_EVENTHUBS_NAMESPACE"];
            Assert.Contains("serviceBusEndpoint", host, StringComparison.Ordinal);
            Assert.Contains("'https://', ''", host, StringComparison.Ordinal);
            Assert.Contains("':443/', ''", host, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EachTenantHasItsOwnLockedDownStorage()
    {
        var resources = await ResourcesAsync();
        var accounts = OfType(resources, "Microsoft.Storage/storageAccounts").ToArray();
        Assert.Equal(2, accounts.Length);
        Assert.All(accounts, account =>
        {
            var p = account["properties"]!;
            Assert.False(p["allowSharedKeyAccess"]!.GetValue<bool>());
            Assert.True(p["supportsHttpsTrafficOnly"]!.GetValue<bool>());
            Assert.Equal("TLS1_2", p["minimumTlsVersion"]!.GetValue<string>());
            Assert.False(p["allowBlobPublicAccess"]!.GetValue<bool>());
            var name = account["name"]!.GetValue<string>();
            Assert.InRange(name.Length, 3, 24);
            Assert.Matches("^[a-z0-9]+$", name);
            var tables = OfType(resources, "Microsoft.Storage/storageAccounts/tableServices/tables")
                .Select(t => t["name"]!.GetValue<string>()).Where(n => n.StartsWith(name + "/", StringComparison.Ordinal)).Order().ToArray();
            Assert.Equal([$"{name}/default/gatewaygovernance", $"{name}/default/gatewayresponsecache", $"{name}/default/gatewayresponses", $"{name}/default/gatewayspendlogs", $"{name}/default/gatewayspendrollups"], tables);
            Assert.Contains(OfType(resources, "Microsoft.Storage/storageAccounts/blobServices/containers"),
                c => c["name"]!.GetValue<string>() == $"{name}/default/app-package" && c["properties"]!["publicAccess"]!.GetValue<string>() == "None");
        });
        foreach (var tenant in Tenants)
            Assert.Equal(AppSettings(Site(resources, tenant))["AzureWebJobsStorage__accountName"],
                Assert.Single(accounts, a => a["name"]!.GetValue<string>().StartsWith($"st{tenant}", StringComparison.Ordinal))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task EventHubsAndKeyVaultAreEntraOnly()
    {
        var resources = await ResourcesAsync();
        var ns = Assert.Single(OfType(resources, "Microsoft.EventHub/namespaces"));
        Assert.True(ns["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.Equal("1.2", ns["properties"]!["minimumTlsVersion"]!.GetValue<string>());
        Assert.NotEqual("Basic", ns["sku"]!["name"]!.GetValue<string>());
        var nsName = ns["name"]!.GetValue<string>();
        Assert.Equal(Tenants.Select(t => $"{nsName}/spend-{t}"), OfType(resources, "Microsoft.EventHub/namespaces/eventhubs").Select(h => h["name"]!.GetValue<string>()).Order());
        Assert.Equal(Tenants.Select(t => $"{nsName}/spend-{t}/spend-ingest"),
            OfType(resources, "Microsoft.EventHub/namespaces/eventhubs/consumergroups").Select(h => h["name"]!.GetValue<string>()).Order());

        var vault = Assert.Single(OfType(resources, "Microsoft.KeyVault/vaults"));
        Assert.True(vault["properties"]!["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.Null(vault["properties"]!["accessPolicies"]);
        var vaultName = vault["name"]!.GetValue<string>();
        Assert.Equal([$"{vaultName}/fabrikam--openai-api-key", $"{vaultName}/master-key-contoso", $"{vaultName}/master-key-fabrikam", $"{vaultName}/openai-api-key"],
            OfType(resources, "Microsoft.KeyVault/vaults/secrets").Select(s => s["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        // The snapshot never holds a secret's value (nor the seed the master keys come from).
        var json = (await Deployments.TwoTenantsAsync()).ToJsonString();
        Assert.DoesNotContain(BicepCli.ExampleMasterKeySeed, json, StringComparison.Ordinal);
        Assert.DoesNotContain(BicepCli.ExampleProviderKey, json, StringComparison.Ordinal);
        Assert.DoesNotContain(BicepCli.ExampleFabrikamProviderKey, json, StringComparison.Ordinal);

        var insights = Assert.Single(OfType(resources, "Microsoft.Insights/components"));
        Assert.True(insights["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
        Assert.EndsWith(Id(Assert.Single(OfType(resources, "Microsoft.OperationalInsights/workspaces"))),
            insights["properties"]!["WorkspaceResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolesAreGrantedOnTheNarrowestResource()
    {
        var resources = await ResourcesAsync();
        var assignments = OfType(resources, "Microsoft.Authorization/roleAssignments").ToArray();
        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.Equal("ServicePrincipal", a["properties"]!["principalType"]!.GetValue<string>()));
        // Nothing at subscription or resource-group scope: every assignment sits on a resource.
        Assert.All(assignments, a => Assert.Matches("/providers/Microsoft\\.[A-Za-z]+/.+/providers/Microsoft\\.Authorization/roleAssignments/", Id(a)));

        foreach (var tenant in Tenants)
        {
            var identity = IdentityId(resources, tenant);
            var mine = assignments.Where(a => a["properties"]!["principalId"]!.GetValue<string>().Contains($"'{identity}'", StringComparison.Ordinal))
                .Select(a => (Role: a["properties"]!["roleDefinitionId"]!.GetValue<string>().Split('/')[^1],
                              Scope: Id(a)[..Id(a).IndexOf("/providers/Microsoft.Authorization/", StringComparison.Ordinal)]))
                .ToArray();

            var storage = Id(Assert.Single(OfType(resources, "Microsoft.Storage/storageAccounts"), s => s["name"]!.GetValue<string>().StartsWith($"st{tenant}", StringComparison.Ordinal)));
            Assert.Equal([storage], mine.Where(a => a.Role == Role.StorageBlobDataOwner).Select(a => a.Scope));
            Assert.Equal(
                [$"{storage}/tableServices/default/tables/gatewaygovernance", $"{storage}/tableServices/default/tables/gatewayresponsecache",
                    $"{storage}/tableServices/default/tables/gatewayresponses",
                    $"{storage}/tableServices/default/tables/gatewayspendlogs", $"{storage}/tableServices/default/tables/gatewayspendrollups"],
                mine.Where(a => a.Role == Role.StorageTableDataContributor).Select(a => a.Scope).Order());
            Assert.Single(mine, a => a.Role == Role.EventHubsDataSender && a.Scope.EndsWith($"/eventhubs/spend-{tenant}", StringComparison.Ordinal));
            Assert.Single(mine, a => a.Role == Role.EventHubsDataReceiver && a.Scope.EndsWith($"/eventhubs/spend-{tenant}", StringComparison.Ordinal));
            // fabrikam has its own OpenAI key, so it reads that one and not the shared one contoso reads.
            string[] secrets = tenant == "fabrikam" ? ["fabrikam--openai-api-key", "master-key-fabrikam"] : [$"master-key-{tenant}", "openai-api-key"];
            Assert.Equal(secrets, mine.Where(a => a.Role == Role.KeyVaultSecretsUser).Select(a => a.Scope.Split('/')[^1]).Order(StringComparer.Ordinal));
            Assert.All(mine.Where(a => a.Role == Role.KeyVaultSecretsUser), a => Assert.Contains("/vaults/kv-", a.Scope, StringComparison.Ordinal));
            Assert.Single(mine, a => a.Role == Role.MonitoringMetricsPublisher && a.Scope.Contains("/Microsoft.Insights/components/", StringComparison.Ordinal));
            // Never another tenant's resources.
            var other = Tenants.Single(t => t != tenant);
            Assert.DoesNotContain(mine, a => a.Scope.Contains($"spend-{other}", StringComparison.Ordinal) || a.Scope.Contains($"master-key-{other}", StringComparison.Ordinal)
                || a.Scope.EndsWith($"/{other}--openai-api-key", StringComparison.Ordinal)
                || a.Scope.Contains($"/storageAccounts/st{other}", StringComparison.Ordinal));
        }

        // Azure OpenAI: only fabrikam names an account, and gets the role on that account only.
        var openAi = Assert.Single(assignments, a => a["properties"]!["roleDefinitionId"]!.GetValue<string>().EndsWith(Role.CognitiveServicesOpenAiUser, StringComparison.Ordinal));
        Assert.StartsWith("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/fabrikam-openai/providers/",
            Id(openAi), StringComparison.Ordinal);
        Assert.Contains($"'{IdentityId(resources, "fabrikam")}'", openAi["properties"]!["principalId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputsNameEveryTenant()
    {
        var outputs = (await Deployments.TwoTenantsAsync())["outputs"]!;
        var apps = outputs["GATEWAY_FUNCTION_APP_NAMES"]!.GetValue<string>().Split(' ');
        Assert.Equal(2, apps.Length);
        Assert.StartsWith("func-contoso-", apps[0], StringComparison.Ordinal);
        Assert.StartsWith("func-fabrikam-", apps[1], StringComparison.Ordinal);
        Assert.Equal(apps[0], outputs["AZURE_FUNCTION_APP_NAME"]!.GetValue<string>());
        var endpoints = outputs["GATEWAY_ENDPOINTS"]!.ToString();
        Assert.All(apps, app => Assert.Contains($"/sites/{app}'", endpoints, StringComparison.Ordinal));
        Assert.Equal("rg-gateway-example", outputs["AZURE_RESOURCE_GROUP"]!.GetValue<string>());
    }
}
