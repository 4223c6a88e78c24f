using Gateway.Infra.Azure.Tests.Infrastructure;

namespace Gateway.Infra.Azure.Tests;

/// <summary>The ARM template compiled from main.bicep, walked through its nested (module) deployments.</summary>
public sealed class CompiledTemplateTests
{
    [Fact]
    public async Task DeploysAtSubscriptionScopeWithSecureSecrets()
    {
        var template = await Deployments.CompiledMainAsync();
        Assert.Contains("subscriptionDeploymentTemplate.json", template["$schema"]!.GetValue<string>(), StringComparison.Ordinal);
        var parameters = template["parameters"]!.AsObject();
        Assert.Equal("securestring", parameters["masterKeySeed"]!["type"]!.GetValue<string>());
        Assert.Equal("securestring", parameters["sharedMasterKey"]!["type"]!.GetValue<string>());
        Assert.Equal("secureObject", parameters["tenantMasterKeys"]!["type"]!.GetValue<string>());
        Assert.Equal("secureObject", parameters["providerKeys"]!["type"]!.GetValue<string>());
        Assert.Equal("secureObject", parameters["tenantProviderKeys"]!["type"]!.GetValue<string>());
        // azd generates the seed once and keeps it; a shared master key is never the default.
        Assert.Equal("generate", parameters["masterKeySeed"]!["metadata"]!["azd"]!["type"]!.GetValue<string>());
        Assert.Equal("", parameters["sharedMasterKey"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal("location", parameters["location"]!["metadata"]!["azd"]!["type"]!.GetValue<string>());
        // No secret leaves through an output.
        Assert.All(template["outputs"]!.AsObject(), o => Assert.DoesNotContain("secure", o.Value!["type"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("masterKey", template["outputs"]!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OneTenantModulePerTenantParameterEntry()
    {
        var template = await Deployments.CompiledMainAsync();
        var tenantModule = Arm.Module(template, "tenant-");
        Assert.Equal("[length(parameters('tenants'))]", tenantModule["copy"]!["count"]!.GetValue<string>());
        Assert.Equal("Microsoft.Resources/deployments", tenantModule["type"]!.GetValue<string>());
        var sites = Arm.Walk(tenantModule["properties"]!["template"]!).Where(d => d.Type == "Microsoft.Web/sites").ToArray();
        var site = Assert.Single(sites);
        Assert.Equal("functionapp,linux", site.Resource["kind"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site.Resource["identity"]!["type"]!.GetValue<string>());
        Assert.True(site.Properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("custom", site.Properties["functionAppConfig"]!["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("Disabled", site.Properties["siteConfig"]!["ftpsState"]!.GetValue<string>());
        Assert.Equal("1.2", site.Properties["siteConfig"]!["minTlsVersion"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity",
            site.Properties["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheTenantModuleAssignsRolesOnResourcesNotGroups()
    {
        var template = await Deployments.CompiledMainAsync();
        var tenantTemplate = Arm.Module(template, "tenant-")["properties"]!["template"]!;
        var assignments = Arm.Walk(tenantTemplate).Where(d => d.Type == "Microsoft.Authorization/roleAssignments").ToArray();
        // blob owner, table contributor (per table), sender, receiver, master key, provider keys (per key), telemetry, Azure OpenAI.
        Assert.Equal(8, assignments.Length);
        Assert.All(assignments, a =>
        {
            Assert.Equal("ServicePrincipal", a.Properties["principalType"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(a.Resource["scope"]?.ToString()), "every role assignment is scoped to a resource");
        });
        var roleIds = tenantTemplate["variables"]!["roles"]!.AsObject().Select(r => r.Value!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string>([
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "2b629674-e913-4c01-ae53-ef4638d8f975",
            "a638d3c7-ab3a-418d-83e6-5f17a39d4fde", "4633458b-17de-408a-b874-0445c86b69e6", "3913510d-42f4-4e42-8a64-420c390055eb"]), roleIds);
    }

    [Fact]
    public async Task SharedResourcesDisableLocalAuth()
    {
        var template = await Deployments.CompiledMainAsync();
        var all = Arm.Walk(template).ToArray();

        var storage = Assert.Single(all, d => d.Type == "Microsoft.Storage/storageAccounts" && d.Resource["existing"] is null);
        Assert.False(storage.Properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.True(storage.Properties["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", storage.Properties["minimumTlsVersion"]!.GetValue<string>());
        Assert.False(storage.Properties["allowBlobPublicAccess"]!.GetValue<bool>());

        var eventHubs = Assert.Single(all, d => d.Type == "Microsoft.EventHub/namespaces" && d.Resource["existing"] is null);
        Assert.True(eventHubs.Properties["disableLocalAuth"]!.GetValue<bool>());

        var vault = Assert.Single(all, d => d.Type == "Microsoft.KeyVault/vaults" && d.Resource["existing"] is null);
        Assert.True(vault.Properties["enableRbacAuthorization"]!.GetValue<bool>());

        var insights = Assert.Single(all, d => d.Type == "Microsoft.Insights/components" && d.Resource["existing"] is null);
        Assert.True(insights.Properties["DisableLocalAuth"]!.GetValue<bool>());
        var workspace = Assert.Single(all, d => d.Type == "Microsoft.OperationalInsights/workspaces");
        Assert.True(workspace.Properties["features"]!["disableLocalAuth"]!.GetValue<bool>());
    }
}
