using System.Net;
using System.Text.Json;
using Gateway.Alerts;
using Gateway.Keys;
using Gateway.Tests.Keys;
using Gateway.Tests.RedTeam;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace Gateway.Tests.Alerts;

/// <summary>
/// The alert routes on a running gateway (embedded store): a call with the OpenAI SDK passes a key's soft budget, the
/// sweep (what the local loop runs) fires and delivers it to all three channels, <c>GET /alerts</c> shows it with its
/// delivery and filters it, <c>POST /alerts/test</c> reaches each channel, <c>GET /spend/forecast</c> answers, and the
/// red-team's alert routes get 403 with a virtual key and a 4xx naming the parameter when malformed.
/// </summary>
public sealed class AlertApiTests : IAsyncLifetime
{
    private AlertReceivers _receivers = null!;
    private TestGateway _gw = null!;

    public async Task InitializeAsync()
    {
        _receivers = await AlertReceivers.StartAsync();
        _gw = await TestGateway.StartAsync(Yaml.Config(extraModels: KeyGateway.PricedModels, extraGeneral: "  alerting: [slack, teams, webhook]"),
            new Dictionary<string, string>
            {
                ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath(),
                ["SLACK_WEBHOOK_URL"] = _receivers.Url("slack"),
                ["TEAMS_WEBHOOK_URL"] = _receivers.Url("teams"),
                ["WEBHOOK_URL"] = _receivers.Url("webhook"),
                ["GATEWAY_WEBHOOK_SIGNING_SECRET"] = AlertReceivers.Secret,
            });
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _receivers.DisposeAsync();
    }

    [Fact]
    public async Task A_soft_budget_alert_is_delivered_listed_and_filtered_and_the_channels_take_a_test()
    {
        var key = await _gw.GenerateAsync("""{"key_alias":"api-alerts","soft_budget":0.000001,"max_budget":1000}""");
        var hash = KeySecrets.Hash(key);
        await _gw.OpenAI(key).GetChatClient("priced").CompleteChatAsync("hello");

        var run = await _gw.Services.GetRequiredService<AlertEngine>().SweepAsync(CancellationToken.None);
        var fired = Assert.Single(run.Fired);
        Assert.Equal(("soft_budget_crossed", hash), (fired.Event, fired.Subject));
        foreach (var channel in (string[])["slack", "teams", "webhook"]) Assert.Equal(1, _receivers.Accepted(channel, fired.Id));
        Assert.Empty(_receivers.Problems);
        Assert.Empty((await _gw.Services.GetRequiredService<AlertEngine>().SweepAsync(CancellationToken.None)).Fired);

        var list = await _gw.GetJsonAsync("/alerts");
        var item = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(fired.Id, item.GetProperty("id").GetString());
        Assert.Equal("delivered", item.GetProperty("status").GetString());
        Assert.Equal("api-alerts", item.GetProperty("key_alias").GetString());
        Assert.Equal(["slack#0", "teams#0", "webhook#0"], item.GetProperty("deliveries").EnumerateArray()
            .Select(d => d.GetProperty("channel").GetString() + "#" + d.GetProperty("target").GetInt32()).Order());
        Assert.DoesNotContain("127.0.0.1", list.GetRawText());
        Assert.DoesNotContain(key, list.GetRawText());

        Assert.Single((await _gw.GetJsonAsync("/alerts?rule=soft_budget_crossed&type=budget_alerts&subject=" + hash)).GetProperty("data").EnumerateArray());
        Assert.Empty((await _gw.GetJsonAsync("/alerts?rule=budget_crossed")).GetProperty("data").EnumerateArray());
        Assert.Empty((await _gw.GetJsonAsync("/alerts?type=anomaly_alerts")).GetProperty("data").EnumerateArray());
        Assert.Empty((await _gw.GetJsonAsync("/alerts?since=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O")))).GetProperty("data").EnumerateArray());

        foreach (var channel in (string[])["slack", "teams", "webhook"])
        {
            var test = await _gw.PostAsync("/alerts/test?channel=" + channel, "");
            var target = Assert.Single(test.GetProperty("targets").EnumerateArray());
            Assert.True(target.GetProperty("delivered").GetBoolean(), test.GetRawText());
            Assert.Equal(1, _receivers.Accepted(channel, test.GetProperty("alert_id").GetString()!));
        }
        Assert.Empty(_receivers.Problems);

        var forecast = await _gw.GetJsonAsync("/spend/forecast?key=" + Uri.EscapeDataString(key));
        Assert.Equal(hash, forecast.GetProperty("subject").GetProperty("id").GetString());
        Assert.Equal(1000, forecast.GetProperty("max_budget").GetDecimal());
        Assert.True(forecast.GetProperty("spend").GetDecimal() > 0);
        Assert.Equal("holt_linear_exponential_smoothing", forecast.GetProperty("method").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, forecast.GetProperty("projected_exceeded_date").ValueKind); // one day of history is no forecast
        Assert.Contains("3 completed days", forecast.GetProperty("note").GetString());
    }

    [Fact]
    public async Task The_alert_routes_refuse_virtual_keys_and_answer_malformed_requests_with_the_parameter_named()
    {
        var key = await _gw.GenerateAsync("""{"key_alias":"red-team-alerts"}""");
        var other = KeySecrets.Hash(await _gw.GenerateAsync("""{"key_alias":"someone-else","max_budget":5}"""));
        using var plain = new HttpClient();
        foreach (var (name, method, path, masterStatus) in CraftedBodies.AlertRoutes(other))
        {
            var (status, body) = await _gw.AsKeyAsync(key, method, path);
            Assert.True(status == 403, $"{name}: a virtual key got {status}");
            Assert.Equal("permission_error", body.GetProperty("error").GetProperty("type").GetString());

            using var request = new HttpRequestMessage(method, new Uri(_gw.BaseAddress, path));
            request.Headers.Authorization = new("Bearer", _gw.MasterKey);
            using var answer = await plain.SendAsync(request);
            var text = await answer.Content.ReadAsStringAsync();
            Assert.True((int)answer.StatusCode == masterStatus, $"{name}: expected {masterStatus}, got {(int)answer.StatusCode}: {text}");
            if (masterStatus >= 400)
            {
                var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
                foreach (var field in (string[])["message", "type", "param", "code"]) Assert.True(error.TryGetProperty(field, out _), $"{name}: no error.{field}");
            }
        }
        // Nothing was sent anywhere: the test routes that failed never reached a channel.
        Assert.All((string[])["slack", "teams", "webhook"], c => Assert.Empty(_receivers.Requests(c)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(new Uri(_gw.BaseAddress, "/alerts"))).StatusCode); // no key at all
    }
}
