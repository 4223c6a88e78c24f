using Gateway.Config;
using Gateway.Keys;
using Gateway.Spend;
using Gateway.Spend.Sinks;

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
        var byName = SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"), ("GATEWAY_EVENTHUBS_NAMESPACE", "ns1"))).EventHubs!;
        Assert.Equal("https://ns1.servicebus.windows.net/spend", byName.RestUri.ToString());
        Assert.Equal(("ns1.servicebus.windows.net", "spend"), (byName.FullyQualifiedNamespace, byName.HubName));
        var byHost = SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"),
            ("GATEWAY_EVENTHUBS_NAMESPACE", "ns1.servicebus.windows.net"), ("GATEWAY_EVENTHUBS_HUB", "spend-a"))).EventHubs!;
        Assert.Equal("https://ns1.servicebus.windows.net/spend-a", byHost.RestUri.ToString());
        Assert.Equal(("ns1.servicebus.windows.net", "spend-a"), (byHost.FullyQualifiedNamespace, byHost.HubName));
        var byUrl = SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"), ("GATEWAY_EVENTHUBS_NAMESPACE", "http://127.0.0.1:5000/"))).EventHubs!;
        Assert.Equal("http://127.0.0.1:5000/spend", byUrl.RestUri.ToString());
        Assert.Equal("127.0.0.1", byUrl.FullyQualifiedNamespace);
        Assert.Throws<ConfigException>(() => SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"))));
        Assert.Throws<ConfigException>(() => SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "kafka"))));
        Assert.Throws<ConfigException>(() => SpendSettings.From(Env(("GATEWAY_SPEND_ROLLUPS", "stream"))));
        Assert.True(SpendSettings.From(Env(("GATEWAY_STORE", "dynamodb"), ("GATEWAY_SPEND_SINK", "dynamodb"), ("GATEWAY_SPEND_ROLLUPS", "stream"))).RollupsFromStream);
        Assert.Null(SpendSettings.From(Env(("GATEWAY_STORE", "tables"))).EventHubs);
    }

    [Fact]
    public void Event_hubs_from_the_functions_hosts_trigger_connection_settings()
    {
        // The Bicep sets SpendEventHub__fullyQualifiedNamespace for the spend-ingest trigger; the sink reads it when
        // GATEWAY_EVENTHUBS_NAMESPACE is absent, and GATEWAY_EVENTHUBS_NAMESPACE wins when both are set.
        var hub = SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"), ("SpendEventHub__fullyQualifiedNamespace", "evhns-a.servicebus.windows.net"))).EventHubs!;
        Assert.Equal("evhns-a.servicebus.windows.net", hub.FullyQualifiedNamespace);
        var both = SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"), ("SpendEventHub__fullyQualifiedNamespace", "evhns-a.servicebus.windows.net"),
            ("GATEWAY_EVENTHUBS_NAMESPACE", "evhns-b"))).EventHubs!;
        Assert.Equal("evhns-b.servicebus.windows.net", both.FullyQualifiedNamespace);
    }

    [Theory]
    [InlineData(null, EventHubsTransport.Amqp)]
    [InlineData("amqp", EventHubsTransport.Amqp)]
    [InlineData("AMQP", EventHubsTransport.Amqp)]
    [InlineData("amqpwebsockets", EventHubsTransport.AmqpWebSockets)]
    [InlineData("rest", EventHubsTransport.Rest)]
    public void Event_hubs_transports(string? setting, EventHubsTransport expected)
    {
        var vars = new List<(string, string)> { ("GATEWAY_SPEND_SINK", "eventhubs"), ("GATEWAY_EVENTHUBS_NAMESPACE", "ns1") };
        if (setting is not null) vars.Add(("GATEWAY_EVENTHUBS_TRANSPORT", setting));
        Assert.Equal(expected, SpendSettings.From(Env([.. vars])).EventHubs!.Transport);
    }

    [Fact]
    public void Event_hubs_transport_and_endpoint_errors_name_the_setting()
    {
        var transport = Assert.Throws<ConfigException>(() => SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"),
            ("GATEWAY_EVENTHUBS_NAMESPACE", "ns1"), ("GATEWAY_EVENTHUBS_TRANSPORT", "kafka"))));
        Assert.Contains("GATEWAY_EVENTHUBS_TRANSPORT", transport.Message);
        Assert.Contains("amqp, amqpwebsockets or rest", transport.Message);
        var endpoint = Assert.Throws<ConfigException>(() => SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"),
            ("GATEWAY_EVENTHUBS_NAMESPACE", "ns1"), ("GATEWAY_EVENTHUBS_ENDPOINT", "not a url"))));
        Assert.Contains("GATEWAY_EVENTHUBS_ENDPOINT", endpoint.Message);
        var custom = SpendSettings.From(Env(("GATEWAY_SPEND_SINK", "eventhubs"), ("GATEWAY_EVENTHUBS_NAMESPACE", "ns1"),
            ("GATEWAY_EVENTHUBS_ENDPOINT", "sb://gateway.contoso.internal:5671"))).EventHubs!;
        Assert.Equal(new Uri("sb://gateway.contoso.internal:5671"), custom.Endpoint);
        Assert.Equal("ns1.servicebus.windows.net", custom.FullyQualifiedNamespace);
    }
}
