using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Keys.Api;

/// <summary>
/// LiteLLM's user API: <c>/user/new</c> (which also returns a key for the user), <c>/user/update</c>, <c>/user/delete</c>,
/// <c>/user/info</c> and <c>/user/list</c>. Master key only, except that a user's key may read that user's info.
/// </summary>
public sealed class UserEndpoints(AdminRequest admin, IGovernanceStore store, KeyCache cache, KeyEndpoints keys, UsageInfo usage, TimeProvider time)
{
    /// <summary>
    /// Creates the user and, unless <c>auto_create_key</c> is false, a key for it with the body's <c>models</c>,
    /// <c>aliases</c>, <c>duration</c>, <c>team_id</c> and <c>key_alias</c> (the budget and limits stay on the user). A
    /// <c>team_id</c> also makes the user a member of that team.
    /// </summary>
    public async Task NewUserAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var ct = ctx.RequestAborted;
        if (f.Money("spend") is not null) throw SpendIsCounted();
        var user = UserFields.Apply(new UserRecord { UserId = f.String("user_id") ?? Guid.NewGuid().ToString(), CreatedAt = time.GetUtcNow() }, f);
        var teamId = f.String("team_id");
        var team = teamId is null ? null : await store.GetTeamAsync(teamId, ct) ?? throw AdminRequest.NotFound($"The team '{teamId}'", "team_id");
        if (f.String("key_alias") is { } alias && await store.FindKeyByAliasAsync(alias, ct) is not null)
            throw Errors.BadRequest($"A key with key_alias '{alias}' already exists.", "key_alias", "duplicate_alias");
        if (!await store.PutUserAsync(user, create: true, ct))
            throw Errors.BadRequest($"The user '{user.UserId}' already exists.", "user_id", "duplicate_user");
        if (team is not null && !team.Members.Any(m => m.Is(user.UserId, user.Email)))
        {
            await store.PutTeamAsync(team with { Members = [.. team.Members, new TeamMember { UserId = user.UserId, Email = user.Email }] }, create: false, ct);
            cache.InvalidateAll();
        }
        var json = ToJson(user);
        if (f.Bool("auto_create_key") != false)
        {
            var (key, secret) = await keys.CreateAsync(k => KeyFields.ApplyExpiry(k with
            {
                UserId = user.UserId, TeamId = teamId, Models = user.Models, Aliases = f.StringMap("aliases"), Alias = f.String("key_alias"),
            }, f, k.CreatedAt), ct);
            json["key"] = secret; // shown this once, as for /key/generate
            json["token"] = key.Hash;
            json["expires"] = key.Expires?.ToString("O");
            json["team_id"] = teamId;
        }
        await AdminRequest.WriteAsync(ctx, json);
    }

    /// <summary>Names the user by <c>user_id</c> (or <c>user_email</c>) and changes the fields given.</summary>
    public async Task UpdateUserAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var ct = ctx.RequestAborted;
        if (f.Money("spend") is not null) throw SpendIsCounted();
        var current = f.String("user_id") is { } id
            ? await store.GetUserAsync(id, ct) ?? throw AdminRequest.NotFound($"The user '{id}'", "user_id")
            : f.String("user_email") is { } email
                ? (await store.ListUsersAsync(ct)).FirstOrDefault(u => u.Email == email) ?? throw AdminRequest.NotFound($"The user with email '{email}'", "user_email")
                : throw Errors.MissingField("user_id", "the user to update (or user_email)");
        var user = UserFields.Apply(current, f);
        if (!await store.PutUserAsync(user, create: false, ct)) throw AdminRequest.NotFound($"The user '{user.UserId}'", "user_id");
        cache.InvalidateAll();
        await AdminRequest.WriteAsync(ctx, ToJson(user));
    }

    /// <summary>Deletes the users, their keys and their team memberships, as LiteLLM does.</summary>
    public async Task DeleteUserAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var ids = new Fields(doc.RootElement).Strings("user_ids") ?? throw Errors.MissingField("user_ids", "an array of user ids");
        var ct = ctx.RequestAborted;
        var deleted = new JsonArray();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (!await store.DeleteUserAsync(id, ct)) throw AdminRequest.NotFound($"The user '{id}'", "user_ids");
            foreach (var k in (await store.ListKeysAsync(1, int.MaxValue, null, id, ct)).Keys) await store.DeleteKeyAsync(k.Hash, ct);
            foreach (var team in await store.ListTeamsAsync(ct))
                if (team.Members.Any(m => m.UserId == id))
                    await store.PutTeamAsync(team with { Members = team.Members.Where(m => m.UserId != id).ToList() }, create: false, ct);
            deleted.Add((JsonNode?)JsonValue.Create(id));
        }
        cache.InvalidateAll();
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["deleted_users"] = deleted });
    }

    /// <summary>
    /// The master key reads any user (<c>?user_id=</c>); a key that belongs to a user reads that user (<c>user_id</c> may
    /// then be left out) and gets 403 for anyone else, as in LiteLLM. Shows the user's keys (hashes) and teams.
    /// </summary>
    public async Task UserInfoAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        var id = await admin.OwnIdAsync(ctx, "user_id", k => k.UserId, "the user its key belongs to");
        var user = await store.GetUserAsync(id, ct) ?? throw AdminRequest.NotFound($"The user '{id}'", "user_id");
        var info = ToJson(user);
        await usage.AddAsync(info, user.Subject, user.Limits, ct);
        var userKeys = (await store.ListKeysAsync(1, 1000, null, id, ct)).Keys;
        var teams = new JsonArray();
        foreach (var team in await store.ListTeamsAsync(ct))
            if (team.Members.Any(m => m.Is(user.UserId, user.Email)) || userKeys.Any(k => k.TeamId == team.TeamId))
                teams.Add((JsonNode)TeamEndpoints.ToJson(team));
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["user_id"] = id, ["user_info"] = info, ["keys"] = TeamEndpoints.Hashes(userKeys), ["teams"] = teams });
    }

    /// <summary>Users a page at a time (<c>page</c>, <c>page_size</c> ≤ 100), optionally only <c>user_ids</c> (comma-separated) or one <c>role</c>.</summary>
    public async Task ListUsersAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var page = KeyEndpoints.PositiveInt(AdminRequest.OptionalQuery(ctx, "page"), "page", 1);
        var size = KeyEndpoints.PositiveInt(AdminRequest.OptionalQuery(ctx, "page_size"), "page_size", 25);
        if (size > 100) throw Errors.InvalidField("page_size", "must be at most 100");
        var ids = AdminRequest.OptionalQuery(ctx, "user_ids")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var role = AdminRequest.OptionalQuery(ctx, "role");
        var all = (await store.ListUsersAsync(ctx.RequestAborted)).Where(u => (ids is null || ids.Contains(u.UserId)) && (role is null || u.Role == role)).ToList();
        var users = new JsonArray();
        foreach (var u in all.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * size)).Take(size)) users.Add((JsonNode)ToJson(u));
        await AdminRequest.WriteAsync(ctx, new JsonObject
        {
            ["users"] = users, ["total"] = all.Count, ["page"] = page, ["page_size"] = size, ["total_pages"] = (all.Count + size - 1) / size,
        });
    }

    private static GatewayException SpendIsCounted() =>
        Errors.BadRequest("'spend' cannot be set: spend is counted from the calls made (it resets with budget_duration).", "spend", "not_supported");

    private static JsonObject ToJson(UserRecord user) => (JsonObject)JsonSerializer.SerializeToNode(user, KeysJson.Default.UserRecord)!;
}
