using Gateway.Infra.Azure.Tests.Infrastructure;

namespace Gateway.Infra.Azure.Tests;

/// <summary>
/// Which secret each tenant gets, with the values Bicep computes for the two-tenant example: a generated master key
/// per tenant by default (stable for a given seed, so a redeploy rotates nothing), one shared key only when
/// sharedMasterKey asks for it, and a tenant's own provider key in that tenant's app only.
/// </summary>
public sealed class TenantSecretsTests
{
    private const string SharedKeyParameter = "\nparam sharedMasterKey = 'sk-one-key-for-every-tenant-0123456789abcdef'\n";

    [Fact]
    public async Task Each_tenant_gets_its_own_generated_master_key_by_default()
    {
        var secrets = await Deployments.EvaluatedSecretsAsync();
        var contoso = secrets["master-key-contoso"];
        var fabrikam = secrets["master-key-fabrikam"];
        Assert.Matches("^sk-[0-9a-f]{64}$", contoso);
        Assert.Matches("^sk-[0-9a-f]{64}$", fabrikam);
        Assert.NotEqual(contoso, fabrikam);
        Assert.DoesNotContain(BicepCli.ExampleMasterKeySeed, contoso + fabrikam, StringComparison.Ordinal);

        // The same seed gives the same keys on the next deployment; another seed gives other keys.
        var again = await Deployments.EvaluatedSecretsAsync(p => p);
        Assert.Equal(contoso, again["master-key-contoso"]);
        Assert.Equal(fabrikam, again["master-key-fabrikam"]);
        var reseeded = await Deployments.EvaluatedSecretsAsync(p => p.Replace(
            "param masterKeySeed = readEnvironmentVariable('GATEWAY_MASTER_KEY_SEED')",
            "param masterKeySeed = 'another-seed-0123456789abcdef0123456789abcdef'", StringComparison.Ordinal));
        Assert.NotEqual(contoso, reseeded["master-key-contoso"]);
    }

    [Fact]
    public async Task Bumping_a_tenants_key_version_rotates_only_that_tenants_key()
    {
        var before = await Deployments.EvaluatedSecretsAsync();
        var after = await Deployments.EvaluatedSecretsAsync(p => p.Replace(
            "    maximumInstanceCount: 40\n", "    maximumInstanceCount: 40\n    masterKeyVersion: 1\n", StringComparison.Ordinal));
        Assert.NotEqual(before["master-key-fabrikam"], after["master-key-fabrikam"]);
        Assert.Equal(before["master-key-contoso"], after["master-key-contoso"]);
    }

    [Fact]
    public async Task The_shared_master_key_is_used_only_when_asked_for()
    {
        var secrets = await Deployments.EvaluatedSecretsAsync(p => p + SharedKeyParameter);
        Assert.Equal("sk-one-key-for-every-tenant-0123456789abcdef", secrets["master-key-contoso"]);
        Assert.Equal(secrets["master-key-contoso"], secrets["master-key-fabrikam"]);

        // A tenant's hand-picked key still wins over the shared one (and gets the sk- prefix).
        var picked = await Deployments.EvaluatedSecretsAsync(p => p + SharedKeyParameter
            + "\nparam tenantMasterKeys = {\n  fabrikam: 'fabrikam-own-key-0123456789abcdef'\n}\n");
        Assert.Equal("sk-fabrikam-own-key-0123456789abcdef", picked["master-key-fabrikam"]);
        Assert.Equal("sk-one-key-for-every-tenant-0123456789abcdef", picked["master-key-contoso"]);
    }

    [Fact]
    public async Task A_tenants_own_provider_key_lands_in_its_app_and_the_others_keep_the_shared_one()
    {
        var secrets = await Deployments.EvaluatedSecretsAsync();
        Assert.Equal(BicepCli.ExampleProviderKey, secrets["openai-api-key"]);
        Assert.Equal(BicepCli.ExampleFabrikamProviderKey, secrets["fabrikam--openai-api-key"]);

        var resources = (await Deployments.TwoTenantsAsync())["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        string Setting(string tenant, string name) => resources
            .Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites" && r["name"]!.GetValue<string>().StartsWith($"func-{tenant}-", StringComparison.Ordinal))
            ["properties"]!["siteConfig"]!["appSettings"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!["value"]!.GetValue<string>();

        Assert.Contains("@Microsoft.KeyVault(SecretUri=", Setting("contoso", "OPENAI_API_KEY"), StringComparison.Ordinal);
        Assert.Contains("'openai-api-key'", Setting("contoso", "OPENAI_API_KEY"), StringComparison.Ordinal);
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", Setting("fabrikam", "OPENAI_API_KEY"), StringComparison.Ordinal);
        Assert.Contains("'fabrikam--openai-api-key'", Setting("fabrikam", "OPENAI_API_KEY"), StringComparison.Ordinal);
        Assert.DoesNotContain("'openai-api-key'", Setting("fabrikam", "OPENAI_API_KEY"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_channel_urls_and_the_signing_secret_become_key_vault_secrets_every_tenant_reads()
    {
        const string Alerts = "\nparam alertSettingNames = ['SLACK_WEBHOOK_URL', 'GATEWAY_WEBHOOK_SIGNING_SECRET']\n"
            + "param alertSettings = {\n  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/secretpath'\n  GATEWAY_WEBHOOK_SIGNING_SECRET: 'whsec-0123456789'\n}\n";
        var secrets = await Deployments.EvaluatedSecretsAsync(p => p + Alerts);
        Assert.Equal("https://hooks.slack.com/services/T0/B0/secretpath", secrets["slack-webhook-url"]);
        Assert.Equal("whsec-0123456789", secrets["gateway-webhook-signing-secret"]);
        Assert.Equal(BicepCli.ExampleProviderKey, secrets["openai-api-key"]); // the provider keys are still there

        var deployment = await Deployments.TwoTenantsAsync(p => p + Alerts);
        var resources = deployment["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        foreach (var tenant in (string[])["contoso", "fabrikam"])
        {
            var settings = resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites" && r["name"]!.GetValue<string>().StartsWith($"func-{tenant}-", StringComparison.Ordinal))
                ["properties"]!["siteConfig"]!["appSettings"]!.AsArray().ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.GetValue<string>());
            Assert.Contains("@Microsoft.KeyVault(SecretUri=", settings["SLACK_WEBHOOK_URL"], StringComparison.Ordinal);
            Assert.Contains("'slack-webhook-url'", settings["SLACK_WEBHOOK_URL"], StringComparison.Ordinal);
            Assert.Contains("'gateway-webhook-signing-secret'", settings["GATEWAY_WEBHOOK_SIGNING_SECRET"], StringComparison.Ordinal);
            Assert.DoesNotContain(settings.Values, v => v.Contains("secretpath", StringComparison.Ordinal) || v.Contains("whsec-", StringComparison.Ordinal));
        }
    }
}
