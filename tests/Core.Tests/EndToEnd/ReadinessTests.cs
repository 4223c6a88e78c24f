using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Liveness answers as soon as the listener is up; readiness also needs the stores, which open in the background after
/// start: an instance whose store does not answer says 503 (and why only in its log), and serves liveness meanwhile.
/// </summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task A_store_that_does_not_answer_makes_readiness_503_while_liveness_stays_200()
    {
        // A DynamoDB endpoint nothing listens on: every attempt is refused at once.
        await using var gw = await TestGateway.StartAsync(Yaml.Config(), new Dictionary<string, string>
        {
            ["GATEWAY_STORE"] = "dynamodb",
            ["GATEWAY_DYNAMODB_ENDPOINT"] = "http://127.0.0.1:9",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDREADINESS",
            ["AWS_SECRET_ACCESS_KEY"] = "readiness",
        });
        using var live = await gw.Http.GetAsync("/health/liveliness");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using var ready = await gw.Http.GetAsync("/health/readiness");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var doc = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("unhealthy", doc.RootElement.GetProperty("status").GetString());
        Assert.Contains(doc.RootElement.GetProperty("db").GetString(), new[] { "unreachable", "connecting" });
        Assert.DoesNotContain("127.0.0.1", doc.RootElement.GetRawText()); // the reason stays in the log
    }

    [Fact]
    public async Task The_embedded_store_is_opened_at_start_without_a_call()
    {
        var path = Keys.KeyGateway.NewStorePath();
        await using var gw = await TestGateway.StartAsync(Yaml.Config(), new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = path });
        using var ready = await gw.Http.GetAsync("/health/readiness");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // Readiness waited for the schema: the file holds the tables though no call or key was made.
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('keys','counters','spend_logs')";
        Assert.Equal(3L, (long)(await cmd.ExecuteScalarAsync())!);
    }
}
