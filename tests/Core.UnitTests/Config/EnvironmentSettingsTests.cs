using Gateway.Config;
using Gateway.Keys;
using Gateway.Spend;

namespace Gateway.Tests.Config;

/// <summary>Store and spend settings read from the app settings the deployments set (infra/bicep, infra/cdk).</summary>
public sealed class EnvironmentSettingsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) => n => vars.FirstOrDefault(v => v.Name == n).Value;

    [Fact]
    public void Tables_through_the_functions_hosts_identity_based_storage_settings()
    {
        var byAccount = StoreSettings.From(Env(("GATEWAY_STORE", "tables"), ("AzureWebJobsStorage__accountName", "stgwtenanta")));
        Assert.Equal("https://stgwtenanta.table.core.windows.net", byAccount.TablesEndpoint);
        Assert.Null(byAccount.TablesConnectionString);
        var byUri = StoreSettings.From(Env(("GATEWAY_STORE", "tables"), ("AzureWebJobsStorage__tableServiceUri", "https://x.table.core.usgovcloudapi.net/")));
        Assert.Equal("https://x.table.core.usgovcloudapi.net/", byUri.TablesEndpoint);
        Assert.Throws<ConfigException>(() => StoreSettings.From(Env(("GATEWAY_STORE", "tables"))));
    }

    [Fact]
    public void Event_hubs_namespace_forms_and_sink_errors()
    {
        Assert.Equal("https://ns1.servicebus.windows.net/spend", SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"), ("GATEWAY_EVENTHUBS_NAMESPACE", "ns1"))).EventHubUri!.ToString());
        Assert.Equal("https://ns1.servicebus.windows.net/spend-a", SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"),
            ("GATEWAY_EVENTHUBS_NAMESPACE", "ns1.servicebus.windows.net"), ("GATEWAY_EVENTHUBS_HUB", "spend-a"))).EventHubUri!.ToString());
        Assert.Throws<ConfigException>(() => SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"))));
        Assert.Throws<ConfigException>(() => SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "kafka"))));
        Assert.Throws<ConfigException>(() => SpendSettings.From(Env(("GATEWAY_SPEND_ROLLUPS", "stream"))));
        Assert.True(SpendSettings.From(Env(("GATEWAY_STORE", "dynamodb"), ("GATEWAY_SPEND_SINK", "dynamodb"), ("GATEWAY_SPEND_ROLLUPS", "stream"))).RollupsFromStream);
    }
}
