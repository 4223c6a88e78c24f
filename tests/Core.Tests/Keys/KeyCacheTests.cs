using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Keys;

/// <summary>Revocation across instances: another gateway on the same store stops a deleted key within its cache TTL.</summary>
public sealed class KeyCacheTests
{
    [Fact]
    public async Task A_key_deleted_on_one_instance_stops_on_another_within_the_cache_ttl()
    {
        // The cache's TTL runs on the gateway clock: the test moves it instead of waiting for a real second to pass.
        var clock = TestClock.TenSecondsIntoAMinute();
        var env = new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath(), ["GATEWAY_KEY_CACHE_SECONDS"] = "1" };
        await using var a = await KeyGateway.StartAsync(env, clock);
        await using var b = await KeyGateway.StartAsync(env, clock);
        var key = await a.GenerateAsync();
        using (var r = await b.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, r.StatusCode); // b caches the key
        await a.PostAsync("/key/delete", $$"""{"keys":["{{key}}"]}""");
        using (var r = await a.ChatAsync(key)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode); // same instance: at once

        clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        using (var r = await b.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, r.StatusCode); // still within b's TTL
        clock.Advance(TimeSpan.FromTicks(1));
        using (var r = await b.ChatAsync(key)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode); // TTL over: b re-reads the store
    }

    [Fact]
    public void The_cache_ttl_cannot_be_set_above_five_seconds()
    {
        var e = Assert.Throws<Gateway.Config.ConfigException>(() => Gateway.Keys.StoreSettings.From(n => n == "GATEWAY_KEY_CACHE_SECONDS" ? "30" : null));
        Assert.Contains("GATEWAY_KEY_CACHE_SECONDS", e.Message);
    }
}
