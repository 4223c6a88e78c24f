using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gateway.Auth;
using Gateway.Http;
using Gateway.Keys;
using Gateway.Spend.Ingest;
using Microsoft.AspNetCore.Http;

namespace Gateway.Spend.Api;

/// <summary>
/// LiteLLM's spend API with its parameter names: <c>/spend/logs</c> (paged, newest first), <c>/global/spend/report</c>
/// (by day, grouped by team, api_key, model or tag), <c>/global/spend/keys</c> and <c>/global/spend/models</c> (top
/// spenders). The master key reads everything; a virtual key reads only its own logs. Dates are UTC days
/// (<c>YYYY-MM-DD</c>); a range defaults to the last 30 days and may span at most 366.
/// </summary>
public sealed class SpendEndpoints(IRequestAuthenticator auth, ISpendStore store, SpendSummary summary, TimeProvider time)
{
    private const int MaxDays = 366;
    private const int MaxPage = 1000;

    public async Task LogsAsync(HttpContext ctx)
    {
        var caller = await auth.AuthenticateAsync(ctx);
        var (start, end) = Range(ctx);
        var keyHash = Query(ctx, "api_key") is { } k ? KeySecrets.HashOrToken(k) : null;
        if (caller.Kind == CallerKind.VirtualKey)
        {
            if (keyHash is not null && keyHash != caller.KeyHash)
                throw new GatewayException(403, "permission_error", "A virtual key may read only its own spend logs.", "forbidden", "api_key");
            keyHash = caller.KeyHash;
        }
        var query = new SpendLogQuery(start, end)
        {
            KeyHash = keyHash,
            TeamId = Query(ctx, "team_id"),
            UserId = Query(ctx, "user_id"),
            Model = Query(ctx, "model"),
            RequestId = Query(ctx, "request_id"),
            Limit = Int(ctx, "limit", 100, 1, MaxPage),
            Cursor = Query(ctx, "cursor"),
        };
        SpendLogPage page;
        try
        {
            page = await store.QueryLogsAsync(query, ctx.RequestAborted);
        }
        catch (InvalidCursorException e)
        {
            throw Errors.BadRequest(e.Message, "cursor", "invalid_cursor");
        }
        await WriteAsync(ctx, new SpendLogsResponse([.. page.Items], page.NextCursor), SpendJson.Api.SpendLogsResponse);
    }

    public async Task ReportAsync(HttpContext ctx)
    {
        await RequireMasterAsync(ctx);
        var (start, end) = Range(ctx);
        var groupBy = Query(ctx, "group_by") ?? "team";
        var dimension = groupBy switch
        {
            "team" => SpendDimensions.Team,
            "api_key" => SpendDimensions.Key,
            "model" => SpendDimensions.Model,
            "tag" => SpendDimensions.Tag,
            "user" => SpendDimensions.User,
            _ => throw Errors.InvalidField("group_by", $"'{groupBy}' is not one of team, api_key, model, tag, user"),
        };
        var rows = await store.QueryRollupsAsync(new RollupQuery(dimension, start, end, ReportValue(ctx, groupBy)), ctx.RequestAborted);
        var days = rows.GroupBy(r => r.Day).OrderBy(g => g.Key)
            .Select(g => new SpendReportDay(SpendDimensions.DayText(g.Key), groupBy,
                g.GroupBy(r => r.Value).Select(v => SpendTotal.Of(v.Key, v)).OrderByDescending(t => t.TotalSpend).ToList()))
            .ToList();
        await WriteAsync(ctx, days, SpendJson.Api.ListSpendReportDay);
    }

    /// <summary>LiteLLM's report filters: one key (<c>api_key</c>, the key or its token) or one team (<c>team_id</c>) of the dimension grouped by.</summary>
    private static string? ReportValue(HttpContext ctx, string groupBy)
    {
        var key = Query(ctx, "api_key");
        var team = Query(ctx, "team_id");
        if (key is not null && groupBy != "api_key") throw Errors.InvalidField("api_key", "filters the report only with group_by=api_key");
        if (team is not null && groupBy != "team") throw Errors.InvalidField("team_id", "filters the report only with group_by=team");
        return key is not null ? KeySecrets.HashOrToken(key) : team;
    }

    /// <summary>The console overview's figures in one read (master key): see <see cref="SpendSummary"/>.</summary>
    public async Task SummaryAsync(HttpContext ctx)
    {
        await RequireMasterAsync(ctx);
        var (start, end) = Range(ctx);
        var body = await summary.BuildAsync(start, end, Int(ctx, "limit", 5, 1, 50), ctx.RequestAborted);
        await WriteAsync(ctx, body, SpendJson.Api.SpendSummaryResponse);
    }

    public Task KeysAsync(HttpContext ctx) => TopAsync(ctx, SpendDimensions.Key);

    public Task ModelsAsync(HttpContext ctx) => TopAsync(ctx, SpendDimensions.Model);

    private async Task TopAsync(HttpContext ctx, string dimension)
    {
        await RequireMasterAsync(ctx);
        var (start, end) = Range(ctx);
        var limit = Int(ctx, "limit", 10, 1, MaxPage);
        var rows = await store.QueryRollupsAsync(new RollupQuery(dimension, start, end), ctx.RequestAborted);
        var top = rows.GroupBy(r => r.Value).Select(g => SpendTotal.Of(g.Key, g)).OrderByDescending(t => t.TotalSpend).Take(limit).ToList();
        await WriteAsync(ctx, top, SpendJson.Api.ListSpendTotal);
    }

    private async Task RequireMasterAsync(HttpContext ctx)
    {
        var caller = await auth.AuthenticateAsync(ctx);
        if (caller.Kind != CallerKind.MasterKey)
            throw new GatewayException(403, "permission_error", "Only the master key may read global spend.", "master_key_required");
    }

    private (DateOnly Start, DateOnly End) Range(HttpContext ctx)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var end = Date(ctx, "end_date") ?? today;
        var start = Date(ctx, "start_date") ?? end.AddDays(-29);
        if (start > end) throw Errors.InvalidField("start_date", "it is after end_date");
        if (end.DayNumber - start.DayNumber >= MaxDays) throw Errors.InvalidField("start_date", $"a range may span at most {MaxDays} days");
        return (start, end);
    }

    private static DateOnly? Date(HttpContext ctx, string name)
    {
        if (Query(ctx, name) is not { } text) return null;
        // LiteLLM takes YYYY-MM-DD; a full timestamp is accepted and cut to its UTC day.
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return DateOnly.FromDateTime(t.UtcDateTime);
        throw Errors.InvalidField(name, $"'{text}' is not a date (YYYY-MM-DD)");
    }

    private static int Int(HttpContext ctx, string name, int fallback, int min, int max)
    {
        if (Query(ctx, name) is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw Errors.InvalidField(name, $"'{text}' must be a whole number from {min} to {max}");
        return n;
    }

    private static string? Query(HttpContext ctx, string name) => ctx.Request.Query[name].ToString() is { Length: > 0 } v ? v : null;

    private static async Task WriteAsync<T>(HttpContext ctx, T body, JsonTypeInfo<T> type)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        GatewayRequestFeature.Get(ctx)?.StampOverhead(ctx.Response);
        await JsonSerializer.SerializeAsync(ctx.Response.Body, body, type, ctx.RequestAborted);
    }
}
