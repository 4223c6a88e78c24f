using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Keys.Api;

/// <summary>
/// LiteLLM's end-user ("customer") API, master key only: <c>/customer/new|update|delete|block|unblock</c>,
/// <c>/customer/info</c> and <c>/customer/list</c>. An end user is the <c>user</c> a request names; its budget and rate
/// limits bind every call naming it, whichever key makes it.
/// </summary>
public sealed class CustomerEndpoints(AdminRequest admin, IGovernanceStore store, EndUsers endUsers, UsageInfo usage, TimeProvider time)
{
    public async Task NewAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var id = RequiredId(f);
        var endUser = Apply(new EndUserRecord { UserId = id, CreatedAt = time.GetUtcNow() }, f);
        if (!await store.PutEndUserAsync(endUser, create: true, ctx.RequestAborted))
            throw Errors.BadRequest($"The end user '{id}' already exists.", "user_id", "duplicate_end_user");
        endUsers.Invalidate(id);
        await AdminRequest.WriteAsync(ctx, ToJson(endUser));
    }

    public async Task UpdateAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var id = RequiredId(f);
        var endUser = Apply(await store.GetEndUserAsync(id, ctx.RequestAborted) ?? throw NotFound(id, "user_id"), f);
        if (!await store.PutEndUserAsync(endUser, create: false, ctx.RequestAborted)) throw NotFound(id, "user_id");
        endUsers.Invalidate(id);
        await AdminRequest.WriteAsync(ctx, ToJson(endUser));
    }

    public async Task DeleteAsync(HttpContext ctx)
    {
        var (ids, ct) = (await IdsAsync(ctx), ctx.RequestAborted);
        var deleted = new JsonArray();
        foreach (var id in ids)
        {
            if (!await store.DeleteEndUserAsync(id, ct)) throw NotFound(id, "user_ids");
            endUsers.Invalidate(id);
            deleted.Add((JsonNode?)JsonValue.Create(id));
        }
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["deleted_customers"] = deleted });
    }

    /// <summary>Blocks (or unblocks) end users; as in LiteLLM an end user not yet known is created blocked.</summary>
    public Task BlockAsync(HttpContext ctx) => SetBlockedAsync(ctx, true);
    public Task UnblockAsync(HttpContext ctx) => SetBlockedAsync(ctx, false);

    private async Task SetBlockedAsync(HttpContext ctx, bool blocked)
    {
        var (ids, ct) = (await IdsAsync(ctx), ctx.RequestAborted);
        var changed = new JsonArray();
        foreach (var id in ids)
        {
            var current = await store.GetEndUserAsync(id, ct);
            var next = (current ?? new EndUserRecord { UserId = id, CreatedAt = time.GetUtcNow() }) with { Blocked = blocked };
            if (!await store.PutEndUserAsync(next, create: current is null, ct))
                throw new GatewayException(409, Errors.InvalidRequest, $"The end user '{id}' changed while it was being {(blocked ? "blocked" : "unblocked")}; try again.", "conflict");
            endUsers.Invalidate(id);
            changed.Add((JsonNode)ToJson(next));
        }
        await AdminRequest.WriteAsync(ctx, new JsonObject { [blocked ? "blocked_users" : "unblocked_users"] = changed });
    }

    /// <summary><c>?end_user_id=</c>: the end user's settings with its spend in its budget window.</summary>
    public async Task InfoAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var id = AdminRequest.Query(ctx, "end_user_id");
        var endUser = await store.GetEndUserAsync(id, ctx.RequestAborted) ?? throw NotFound(id, "end_user_id");
        await AdminRequest.WriteAsync(ctx, await WithUsageAsync(endUser, ctx.RequestAborted));
    }

    public async Task ListAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var list = new JsonArray();
        foreach (var endUser in await store.ListEndUsersAsync(ctx.RequestAborted)) list.Add((JsonNode)await WithUsageAsync(endUser, ctx.RequestAborted));
        await AdminRequest.WriteAsync(ctx, list);
    }

    private async Task<JsonObject> WithUsageAsync(EndUserRecord endUser, CancellationToken ct)
    {
        var json = ToJson(endUser);
        await usage.AddAsync(json, endUser.Subject, endUsers.LimitsOf(endUser), ct);
        return json;
    }

    private async Task<List<string>> IdsAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var ids = new Fields(doc.RootElement).Strings("user_ids") ?? throw Errors.MissingField("user_ids", "an array of end user ids");
        foreach (var id in ids) CheckId(id, "user_ids");
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string RequiredId(Fields f) => CheckId(f.String("user_id") ?? throw Errors.MissingField("user_id", "the end user's id, as requests send it in 'user'"), "user_id");

    private static string CheckId(string id, string param) => id.Length is > 0 and <= EndUsers.MaxIdLength
        ? id : throw Errors.InvalidField(param, $"end user ids are 1 to {EndUsers.MaxIdLength} characters");

    private static EndUserRecord Apply(EndUserRecord e, Fields f)
    {
        var b = e.Budget ?? new EndUserBudget();
        var budget = b with
        {
            MaxBudget = f.Has("max_budget") ? f.Money("max_budget") : b.MaxBudget,
            BudgetDuration = f.Has("budget_duration") ? f.Duration("budget_duration") : b.BudgetDuration,
            Rpm = f.Has("rpm_limit") ? f.Int("rpm_limit") : b.Rpm,
            Tpm = f.Has("tpm_limit") ? f.Long("tpm_limit") : b.Tpm,
            MaxParallel = f.Has("max_parallel_requests") ? f.Int("max_parallel_requests") : b.MaxParallel,
        };
        return e with
        {
            Alias = f.Has("alias") ? f.String("alias") : e.Alias,
            Blocked = f.Bool("blocked") ?? e.Blocked,
            AllowedModelRegion = f.Has("allowed_model_region") ? f.String("allowed_model_region") : e.AllowedModelRegion,
            DefaultModel = f.Has("default_model") ? f.String("default_model") : e.DefaultModel,
            Metadata = f.Has("metadata") ? f.Object("metadata") : e.Metadata,
            Budget = budget == new EndUserBudget() ? null : budget,
        };
    }

    private static GatewayException NotFound(string id, string param) => AdminRequest.NotFound($"The end user '{id}'", param);

    private static JsonObject ToJson(EndUserRecord e) => (JsonObject)JsonSerializer.SerializeToNode(e, KeysJson.Default.EndUserRecord)!;
}
