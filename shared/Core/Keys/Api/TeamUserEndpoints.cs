using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Keys.Api;

/// <summary>LiteLLM's <c>/team/new|update|delete</c>, <c>/team/info</c>, <c>/user/new</c> and <c>/user/info</c>.</summary>
public sealed class TeamUserEndpoints(AdminRequest admin, IGovernanceStore store, KeyCache cache, KeyEndpoints keys, TimeProvider time)
{
    public async Task NewTeamAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var team = ApplyTeam(new TeamRecord { TeamId = f.String("team_id") ?? Guid.NewGuid().ToString(), CreatedAt = time.GetUtcNow() }, f);
        if (!await store.PutTeamAsync(team, create: true, ctx.RequestAborted))
            throw Errors.BadRequest($"The team '{team.TeamId}' already exists.", "team_id", "duplicate_team");
        await AdminRequest.WriteAsync(ctx, JsonSerializer.SerializeToNode(team, KeysJson.Default.TeamRecord)!);
    }

    public async Task UpdateTeamAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var id = f.String("team_id") ?? throw Errors.MissingField("team_id", "the team to update");
        var team = ApplyTeam(await store.GetTeamAsync(id, ctx.RequestAborted) ?? throw AdminRequest.NotFound($"The team '{id}'", "team_id"), f);
        if (!await store.PutTeamAsync(team, create: false, ctx.RequestAborted)) throw AdminRequest.NotFound($"The team '{id}'", "team_id");
        cache.InvalidateAll();
        await AdminRequest.WriteAsync(ctx, JsonSerializer.SerializeToNode(team, KeysJson.Default.TeamRecord)!);
    }

    public async Task DeleteTeamAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var ids = new Fields(doc.RootElement).Strings("team_ids") ?? throw Errors.MissingField("team_ids", "an array of team ids");
        var deleted = new JsonArray();
        foreach (var id in ids)
        {
            if (!await store.DeleteTeamAsync(id, ctx.RequestAborted)) throw AdminRequest.NotFound($"The team '{id}'", "team_ids");
            // The team's keys go with it, as in LiteLLM.
            var page = await store.ListKeysAsync(1, int.MaxValue, id, null, ctx.RequestAborted);
            foreach (var k in page.Keys) await store.DeleteKeyAsync(k.Hash, ctx.RequestAborted);
            deleted.Add((JsonNode?)JsonValue.Create(id));
        }
        cache.InvalidateAll();
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["deleted_teams"] = deleted });
    }

    public async Task TeamInfoAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var id = AdminRequest.Query(ctx, "team_id");
        var team = await store.GetTeamAsync(id, ctx.RequestAborted) ?? throw AdminRequest.NotFound($"The team '{id}'", "team_id");
        var info = (JsonObject)JsonSerializer.SerializeToNode(team, KeysJson.Default.TeamRecord)!;
        await keys.AddUsageAsync(info, team.Subject, team.Limits, ctx.RequestAborted);
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["team_id"] = id, ["team_info"] = info, ["keys"] = await KeyHashesAsync(id, null, ctx.RequestAborted) });
    }

    public async Task NewUserAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var user = ApplyUser(new UserRecord { UserId = f.String("user_id") ?? Guid.NewGuid().ToString(), CreatedAt = time.GetUtcNow() }, f);
        if (!await store.PutUserAsync(user, create: true, ctx.RequestAborted))
            throw Errors.BadRequest($"The user '{user.UserId}' already exists.", "user_id", "duplicate_user");
        await AdminRequest.WriteAsync(ctx, JsonSerializer.SerializeToNode(user, KeysJson.Default.UserRecord)!);
    }

    public async Task UserInfoAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var id = AdminRequest.Query(ctx, "user_id");
        var user = await store.GetUserAsync(id, ctx.RequestAborted) ?? throw AdminRequest.NotFound($"The user '{id}'", "user_id");
        var info = (JsonObject)JsonSerializer.SerializeToNode(user, KeysJson.Default.UserRecord)!;
        await keys.AddUsageAsync(info, user.Subject, user.Limits, ctx.RequestAborted);
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["user_id"] = id, ["user_info"] = info, ["keys"] = await KeyHashesAsync(null, id, ctx.RequestAborted) });
    }

    private async Task<JsonArray> KeyHashesAsync(string? teamId, string? userId, CancellationToken ct)
    {
        var page = await store.ListKeysAsync(1, 1000, teamId, userId, ct);
        var list = new JsonArray();
        foreach (var k in page.Keys) list.Add((JsonNode?)JsonValue.Create(k.Hash));
        return list;
    }

    private static TeamRecord ApplyTeam(TeamRecord t, Fields f) => t with
    {
        Alias = f.Has("team_alias") ? f.String("team_alias") : t.Alias,
        Models = f.Strings("models") ?? t.Models,
        MaxBudget = f.Has("max_budget") ? f.Money("max_budget") : t.MaxBudget,
        BudgetDuration = f.Has("budget_duration") ? f.Duration("budget_duration") : t.BudgetDuration,
        Rpm = f.Has("rpm_limit") ? f.Int("rpm_limit") : t.Rpm,
        Tpm = f.Has("tpm_limit") ? f.Long("tpm_limit") : t.Tpm,
        MaxParallel = f.Has("max_parallel_requests") ? f.Int("max_parallel_requests") : t.MaxParallel,
        Metadata = f.Has("metadata") ? f.Object("metadata") : t.Metadata,
        Blocked = f.Bool("blocked") ?? t.Blocked,
    };

    private static UserRecord ApplyUser(UserRecord u, Fields f) => u with
    {
        Email = f.String("user_email") ?? u.Email,
        Role = f.String("user_role") ?? u.Role,
        Models = f.Strings("models") ?? u.Models,
        MaxBudget = f.Has("max_budget") ? f.Money("max_budget") : u.MaxBudget,
        BudgetDuration = f.Has("budget_duration") ? f.Duration("budget_duration") : u.BudgetDuration,
        Rpm = f.Has("rpm_limit") ? f.Int("rpm_limit") : u.Rpm,
        Tpm = f.Has("tpm_limit") ? f.Long("tpm_limit") : u.Tpm,
        MaxParallel = f.Has("max_parallel_requests") ? f.Int("max_parallel_requests") : u.MaxParallel,
        Metadata = f.Has("metadata") ? f.Object("metadata") : u.Metadata,
    };
}
