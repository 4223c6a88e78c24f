using Gateway.Hosting;

namespace Gateway.Tests.Config;

public sealed class ListenAddressesTests
{
    private static GatewayHostOptions Options(Dictionary<string, string>? env = null, string[]? portVariables = null, bool requiresMasterKey = false)
    {
        var vars = env ?? [];
        return new GatewayHostOptions
        {
            Environment = name => vars.GetValueOrDefault(name),
            PortVariables = portVariables ?? ["PORT"],
            RequiresMasterKey = requiresMasterKey,
        };
    }

    [Fact]
    public void Configured_urls_win_and_are_split()
    {
        var urls = ListenAddresses.Resolve(" http://0.0.0.0:5000 ; http://localhost:5001;", Options(new() { ["PORT"] = "7000" }));

        Assert.Equal(["http://0.0.0.0:5000", "http://localhost:5001"], urls);
    }

    [Fact]
    public void Default_is_loopback_port_4000()
    {
        Assert.Equal(["http://127.0.0.1:4000"], ListenAddresses.Resolve(null, Options()));
        Assert.Equal(["http://127.0.0.1:4000"], ListenAddresses.Resolve("  ", Options()));
    }

    [Fact]
    public void Port_variable_binds_loopback()
    {
        Assert.Equal(["http://127.0.0.1:8080"], ListenAddresses.Resolve(null, Options(new() { ["PORT"] = "8080" })));
    }

    [Fact]
    public void Port_variables_are_tried_in_order()
    {
        string[] order = ["FUNCTIONS_CUSTOMHANDLER_PORT", "PORT"];

        Assert.Equal(["http://127.0.0.1:1111"],
            ListenAddresses.Resolve(null, Options(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "1111", ["PORT"] = "2222" }, order)));
        Assert.Equal(["http://127.0.0.1:2222"],
            ListenAddresses.Resolve(null, Options(new() { ["PORT"] = "2222" }, order)));
        Assert.Equal(["http://127.0.0.1:2222"],
            ListenAddresses.Resolve(null, Options(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "", ["PORT"] = "2222" }, order)));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("80.5")]
    public void Invalid_port_names_the_variable(string value)
    {
        var e = Assert.Throws<StartupException>(() => ListenAddresses.Resolve(null, Options(new() { ["MY_PORT"] = value }, ["MY_PORT"])));

        Assert.Contains($"MY_PORT='{value}'", e.Message);
        Assert.Contains("not a valid port", e.Message);
    }

    [Theory]
    [InlineData("http://0.0.0.0:4000")]
    [InlineData("http://*:4000")]
    [InlineData("http://+:4000")]
    [InlineData("http://[::]:4000")]
    [InlineData("http://203.0.113.9:4000")]
    [InlineData("http://192.168.1.10:4000")]
    [InlineData("http://gateway.example.com:4000")]
    [InlineData("not a url")]
    public void Without_master_key_non_loopback_addresses_are_refused(string url)
    {
        var e = Assert.Throws<StartupException>(() => ListenAddresses.EnsureSafe(["http://127.0.0.1:4000", url], null, Options()));

        Assert.Contains($"'{url}'", e.Message);
        Assert.Contains("master key", e.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4000")]
    [InlineData("http://localhost:4000")]
    [InlineData("https://LOCALHOST:4443")]
    [InlineData("http://[::1]:4000")]
    [InlineData("http://127.0.0.2:4000")]
    public void Without_master_key_loopback_is_allowed(string url)
    {
        ListenAddresses.EnsureSafe([url], null, Options());

        Assert.True(ListenAddresses.IsLoopback(url));
    }

    [Fact]
    public void Host_that_requires_a_master_key_refuses_to_start_without_one()
    {
        var e = Assert.Throws<StartupException>(() => ListenAddresses.EnsureSafe(["http://127.0.0.1:4000"], null, Options(requiresMasterKey: true)));

        Assert.Contains("GATEWAY_MASTER_KEY", e.Message);
    }

    [Theory]
    [InlineData("http://0.0.0.0:4000")]
    [InlineData("http://*:80")]
    [InlineData("http://203.0.113.9:4000")]
    public void With_master_key_any_address_is_allowed(string url)
    {
        ListenAddresses.EnsureSafe([url], "sk-1", Options());
        ListenAddresses.EnsureSafe([url], "sk-1", Options(requiresMasterKey: true));

        Assert.False(ListenAddresses.IsLoopback(url));
    }
}
