using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Keys;

/// <summary>Revocation across instances: another gateway on the same store stops a deleted key within its cache TTL.</summary>
public sealed class KeyCacheTests
{
    [Fact]
    public async Task A_key_deleted_on_one_instance_stops_on_another_within_the_cache_ttl()
    {
        var env = new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath(), ["GATEWAY_KEY_CACHE_SECONDS"] = "1" };
        await using var a = await KeyGateway.StartAsync(env);
        await using var b = await KeyGateway.StartAsync(env);
        var key = await a.GenerateAsync();
        using (var r = await b.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, r.StatusCode); // b caches the key
        await a.PostAsync("/key/delete", $$"""{"keys":["{{key}}"]}""");
        using (var r = await a.ChatAsync(key)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode); // same instance: at once

        var deleted = DateTime.UtcNow;
        HttpStatusCode status;
        do
        {
            using var r = await b.ChatAsync(key);
            status = r.StatusCode;
            if (status == HttpStatusCode.OK) await Task.Delay(100);
        } while (status == HttpStatusCode.OK && DateTime.UtcNow - deleted < TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public void The_cache_ttl_cannot_be_set_above_five_seconds()
    {
        var e = Assert.Throws<Gateway.Config.ConfigException>(() => Gateway.Keys.StoreSettings.From(n => n == "GATEWAY_KEY_CACHE_SECONDS" ? "30" : null));
        Assert.Contains("GATEWAY_KEY_CACHE_SECONDS", e.Message);
    }
}
