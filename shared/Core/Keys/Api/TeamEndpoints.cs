using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Keys.Api;

/// <summary>
/// LiteLLM's team API: <c>/team/new|update|delete|block|unblock</c>, <c>/team/member_add|member_delete</c>,
/// <c>/team/model/add|delete</c>, <c>/team/info</c> and <c>/team/list</c>. Master key only, except that a key of a
/// team may read that team's info.
/// </summary>
public sealed class TeamEndpoints(AdminRequest admin, IGovernanceStore store, KeyCache cache, UsageInfo usage, TimeProvider time)
{
    public async Task NewTeamAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var team = TeamFields.Apply(new TeamRecord { TeamId = f.String("team_id") ?? Guid.NewGuid().ToString(), CreatedAt = time.GetUtcNow() }, f);
        if (!await store.PutTeamAsync(team, create: true, ctx.RequestAborted))
            throw Errors.BadRequest($"The team '{team.TeamId}' already exists.", "team_id", "duplicate_team");
        await AdminRequest.WriteAsync(ctx, ToJson(team));
    }

    /// <summary>Answers with the team's fields and, as LiteLLM's does, the same under <c>data</c>.</summary>
    public Task UpdateTeamAsync(HttpContext ctx) => ChangeAsync(ctx, TeamFields.Apply, answer: team =>
    {
        var json = ToJson(team);
        json["data"] = ToJson(team);
        return json;
    });

    public Task BlockAsync(HttpContext ctx) => ChangeAsync(ctx, (t, _) => t with { Blocked = true });
    public Task UnblockAsync(HttpContext ctx) => ChangeAsync(ctx, (t, _) => t with { Blocked = false });

    /// <summary><c>member</c> is one member or a list; members already in the team stay as they are.</summary>
    public Task MemberAddAsync(HttpContext ctx) => ChangeAsync(ctx, (t, f) =>
    {
        if (f.Money("max_budget_in_team") is not null)
            throw Errors.BadRequest("Budgets per team member (max_budget_in_team) are not supported; give the member's user or key a max_budget.",
                "max_budget_in_team", "not_supported");
        var added = TeamFields.Members(f, "member") ?? throw Errors.MissingField("member", "a member ({\"user_id\"} or {\"user_email\"}, with a role) or a list of them");
        var members = t.Members.ToList();
        foreach (var m in added)
            if (!members.Any(x => x.Is(m.UserId, m.Email))) members.Add(m);
        return t with { Members = members };
    });

    public Task MemberDeleteAsync(HttpContext ctx) => ChangeAsync(ctx, (t, f) =>
    {
        var (userId, email) = (f.String("user_id"), f.String("user_email"));
        if (userId is null && email is null) throw Errors.MissingField("user_id", "the member's user_id or user_email");
        if (!t.Members.Any(m => m.Is(userId, email))) throw AdminRequest.NotFound($"The member '{userId ?? email}' of team '{t.TeamId}'", userId is null ? "user_email" : "user_id");
        return t with { Members = t.Members.Where(m => !m.Is(userId, email)).ToList() };
    });

    public Task ModelAddAsync(HttpContext ctx) => ChangeAsync(ctx, (t, f) =>
        t with { Models = t.Models.Concat(RequiredModels(f)).Distinct(StringComparer.Ordinal).ToList() });

    public Task ModelDeleteAsync(HttpContext ctx) => ChangeAsync(ctx, (t, f) =>
    {
        var removed = RequiredModels(f);
        return t with { Models = t.Models.Where(m => !removed.Contains(m)).ToList() };
    });

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

    /// <summary>The master key reads any team; a key of a team reads that team (<c>team_id</c> may then be left out), as in LiteLLM.</summary>
    public async Task TeamInfoAsync(HttpContext ctx)
    {
        var id = await admin.OwnIdAsync(ctx, "team_id", k => k.TeamId, "the team it belongs to");
        var team = await store.GetTeamAsync(id, ctx.RequestAborted) ?? throw AdminRequest.NotFound($"The team '{id}'", "team_id");
        var info = ToJson(team);
        await usage.AddAsync(info, team.Subject, team.Limits, ctx.RequestAborted);
        var keys = await store.ListKeysAsync(1, 1000, id, null, ctx.RequestAborted);
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["team_id"] = id, ["team_info"] = info, ["keys"] = Hashes(keys.Keys) });
    }

    /// <summary>Every team (<c>?user_id=</c>: the teams that user is a member of), as a JSON array.</summary>
    public async Task ListTeamsAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var userId = AdminRequest.OptionalQuery(ctx, "user_id");
        var list = new JsonArray();
        foreach (var team in await store.ListTeamsAsync(ctx.RequestAborted))
            if (userId is null || team.Members.Any(m => m.UserId == userId)) list.Add((JsonNode)ToJson(team));
        await AdminRequest.WriteAsync(ctx, list);
    }

    /// <summary>Reads the body's team, changes it, stores it and answers with it.</summary>
    private async Task ChangeAsync(HttpContext ctx, Func<TeamRecord, Fields, TeamRecord> change, Func<TeamRecord, JsonNode>? answer = null)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var id = f.String("team_id") ?? throw Errors.MissingField("team_id", "the team to change");
        var team = change(await store.GetTeamAsync(id, ctx.RequestAborted) ?? throw AdminRequest.NotFound($"The team '{id}'", "team_id"), f);
        if (!await store.PutTeamAsync(team, create: false, ctx.RequestAborted)) throw AdminRequest.NotFound($"The team '{id}'", "team_id");
        cache.InvalidateAll();
        await AdminRequest.WriteAsync(ctx, answer?.Invoke(team) ?? ToJson(team));
    }

    private static List<string> RequiredModels(Fields f) => f.Strings("models") ?? throw Errors.MissingField("models", "an array of model names");

    internal static JsonObject ToJson(TeamRecord team) => (JsonObject)JsonSerializer.SerializeToNode(team, KeysJson.Default.TeamRecord)!;

    internal static JsonArray Hashes(IEnumerable<KeyRecord> keys)
    {
        var list = new JsonArray();
        foreach (var k in keys) list.Add((JsonNode?)JsonValue.Create(k.Hash));
        return list;
    }
}
