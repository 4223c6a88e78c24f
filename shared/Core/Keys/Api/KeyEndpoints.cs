using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Http;
using Microsoft.AspNetCore.Http;


namespace Gateway.Keys.Api;

/// <summary>LiteLLM's key management API: <c>/key/generate|update|delete|regenerate|block|unblock</c>, <c>/key/info</c>, <c>/key/list</c>, <c>/key/health</c>.</summary>
public sealed class KeyEndpoints(AdminRequest admin, IGovernanceStore store, KeyCache cache, UsageInfo usage, TimeProvider time)
{
    public async Task GenerateAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var (key, secret) = await CreateAsync(k => KeyFields.Apply(k, f, k.CreatedAt), ctx.RequestAborted);
        await AdminRequest.WriteAsync(ctx, WithSecret(key, secret));
    }

    /// <summary>Creates a key with a fresh secret, its settings filled in by <paramref name="fill"/>; the secret is returned once.</summary>
    internal async Task<(KeyRecord Key, string Secret)> CreateAsync(Func<KeyRecord, KeyRecord> fill, CancellationToken ct)
    {
        var secret = KeySecrets.NewKey();
        var key = fill(new KeyRecord { Hash = KeySecrets.Hash(secret), KeyName = KeySecrets.Abbreviate(secret), CreatedAt = time.GetUtcNow() });
        await CheckOwnersAsync(key, ct);
        if (!await store.CreateKeyAsync(key, ct))
            throw Errors.BadRequest($"A key with key_alias '{key.Alias}' already exists.", "key_alias", "duplicate_alias");
        cache.Invalidate(key.Hash); // works at once, even if this hash was just refused as unknown
        return (key, secret);
    }

    public async Task UpdateAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var current = await FindAsync(f.String("key") ?? throw Errors.MissingField("key", "the key (or its hashed token) to update"), ctx.RequestAborted);
        var now = time.GetUtcNow();
        var key = KeyFields.Apply(current, f, now);
        await CheckOwnersAsync(key, ctx.RequestAborted);
        if (key.Alias is { } alias && alias != current.Alias && await store.FindKeyByAliasAsync(alias, ctx.RequestAborted) is not null)
            throw Errors.BadRequest($"A key with key_alias '{alias}' already exists.", "key_alias", "duplicate_alias");
        if (!await store.UpdateKeyAsync(key, ctx.RequestAborted)) throw AdminRequest.NotFound("The key", "key");
        cache.Invalidate(key.Hash);
        await AdminRequest.WriteAsync(ctx, ToJson(key));
    }

    public async Task DeleteAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var keys = f.Strings("keys") ?? [];
        var aliases = f.Strings("key_aliases") ?? [];
        if (keys.Count + aliases.Count == 0) throw Errors.MissingField("keys", "an array of keys (or hashed tokens), or 'key_aliases'");
        var hashes = keys.Select(KeySecrets.HashOrToken).ToList();
        foreach (var alias in aliases)
            hashes.Add((await store.FindKeyByAliasAsync(alias, ctx.RequestAborted))?.Hash ?? throw AdminRequest.NotFound($"The key with alias '{alias}'", "key_aliases"));
        var deleted = new JsonArray();
        foreach (var hash in hashes.Distinct())
        {
            if (!await store.DeleteKeyAsync(hash, ctx.RequestAborted)) throw AdminRequest.NotFound($"The key {hash[..8]}…", "keys");
            cache.Invalidate(hash);
            deleted.Add((JsonNode?)JsonValue.Create(hash));
        }
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["deleted_keys"] = deleted });
    }

    public async Task RegenerateAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var f = new Fields(doc.RootElement);
        var current = await FindAsync(f.String("key") ?? throw Errors.MissingField("key", "the key (or its hashed token) to regenerate"), ctx.RequestAborted);
        var now = time.GetUtcNow();
        var secret = KeySecrets.NewKey();
        // The new secret replaces the old: same settings, a fresh hash. The store swaps them so that the old key keeps
        // working unless the new one was stored; once swapped, the old one stops working at once here.
        var key = KeyFields.Apply(current with { Hash = KeySecrets.Hash(secret), KeyName = KeySecrets.Abbreviate(secret), Alias = null }, f, now) with
        {
            Alias = f.String("key_alias") ?? current.Alias,
        };
        var outcome = await store.ReplaceKeyAsync(current.Hash, key, ctx.RequestAborted);
        cache.Invalidate(current.Hash);
        cache.Invalidate(key.Hash);
        switch (outcome)
        {
            case KeyReplaceOutcome.NotFound: throw AdminRequest.NotFound("The key", "key");
            case KeyReplaceOutcome.AliasTaken: throw Errors.BadRequest($"A key with key_alias '{key.Alias}' already exists; the old key is unchanged.", "key_alias", "duplicate_alias");
            case KeyReplaceOutcome.HashTaken or KeyReplaceOutcome.OldKeyKept:
                throw new GatewayException(503, "api_error", "The key could not be regenerated (the store did not complete the swap); the old key is unchanged and still works. Try again.", "regenerate_failed")
                { RetryAfter = "1" };
        }
        await AdminRequest.WriteAsync(ctx, WithSecret(key, secret));
    }

    /// <summary>
    /// The master key reads any key (<c>?key=</c>, the key or its token); a virtual key reads itself, with or without
    /// <c>?key=</c> naming it, and gets 403 for any other key, as in LiteLLM.
    /// </summary>
    public async Task InfoAsync(HttpContext ctx)
    {
        var hash = await admin.OwnIdAsync(ctx, "key", k => k.Hash, "its own key's info", KeySecrets.HashOrToken);
        var key = await store.GetKeyAsync(hash, ctx.RequestAborted) ?? throw AdminRequest.NotFound("The key", "key");
        var info = ToJson(key);
        await usage.AddAsync(info, key.Subject, key.Limits, ctx.RequestAborted);
        await usage.AddModelSpendAsync(info, key, ctx.RequestAborted);
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["key"] = key.Hash, ["info"] = info });
    }

    /// <summary>LiteLLM's <c>/key/block</c> and <c>/key/unblock</c> (master key): the key's calls get 401 until unblocked.</summary>
    public Task BlockAsync(HttpContext ctx) => SetBlockedAsync(ctx, true);
    public Task UnblockAsync(HttpContext ctx) => SetBlockedAsync(ctx, false);

    private async Task SetBlockedAsync(HttpContext ctx, bool blocked)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var current = await FindAsync(new Fields(doc.RootElement).String("key") ?? throw Errors.MissingField("key", "the key (or its hashed token)"), ctx.RequestAborted);
        var key = current with { Blocked = blocked, UpdatedAt = time.GetUtcNow() };
        if (!await store.UpdateKeyAsync(key, ctx.RequestAborted)) throw AdminRequest.NotFound("The key", "key");
        cache.Invalidate(key.Hash);
        await AdminRequest.WriteAsync(ctx, ToJson(key));
    }

    /// <summary>
    /// LiteLLM's <c>/key/health</c>: the calling key checks itself. Reaching here means it authenticated (not blocked, not
    /// expired); the gateway has no per-key logging callbacks, so there is nothing else to fail.
    /// </summary>
    public async Task HealthAsync(HttpContext ctx)
    {
        await admin.ReaderAsync(ctx);
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["key"] = "healthy", ["logging_callbacks"] = null });
    }

    public async Task ListAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var q = ctx.Request.Query;
        var page = PositiveInt(q["page"], "page", 1);
        var size = PositiveInt(q["size"], "size", 10);
        if (size > 100) throw Errors.InvalidField("size", "must be at most 100");
        var full = q["return_full_object"].ToString() == "true";
        var teamId = q["team_id"].ToString() is { Length: > 0 } t ? t : null;
        var userId = q["user_id"].ToString() is { Length: > 0 } u ? u : null;
        // LiteLLM's key_alias search, an exact match, read through the alias index rather than by listing keys.
        var result = q["key_alias"].ToString() is { Length: > 0 } alias
            ? await FindByAliasAsync(alias, teamId, userId, page, ctx.RequestAborted)
            : await store.ListKeysAsync(page, size, teamId, userId, ctx.RequestAborted);
        var keys = new JsonArray();
        foreach (var k in result.Keys) keys.Add(full ? ToJson(k) : (JsonNode?)JsonValue.Create(k.Hash));
        await AdminRequest.WriteAsync(ctx, new JsonObject
        {
            ["keys"] = keys,
            ["total_count"] = result.TotalCount,
            ["current_page"] = page,
            ["total_pages"] = (result.TotalCount + size - 1) / size,
        });
    }

    private async Task<KeyPage> FindByAliasAsync(string alias, string? teamId, string? userId, int page, CancellationToken ct)
    {
        var key = await store.FindKeyByAliasAsync(alias, ct);
        var match = key is not null && (teamId is null || key.TeamId == teamId) && (userId is null || key.UserId == userId);
        return new KeyPage(match && page == 1 ? [key!] : [], match ? 1 : 0);
    }

    private async Task<KeyRecord> FindAsync(string keyOrToken, CancellationToken ct) =>
        await store.GetKeyAsync(KeySecrets.HashOrToken(keyOrToken), ct) ?? throw AdminRequest.NotFound("The key", "key");

    private async Task CheckOwnersAsync(KeyRecord key, CancellationToken ct)
    {
        if (key.TeamId is { } team && await store.GetTeamAsync(team, ct) is null) throw AdminRequest.NotFound($"The team '{team}'", "team_id");
        if (key.UserId is { } user && await store.GetUserAsync(user, ct) is null) throw AdminRequest.NotFound($"The user '{user}'", "user_id");
    }

    internal static JsonObject ToJson(KeyRecord key) => (JsonObject)JsonSerializer.SerializeToNode(key, KeysJson.Default.KeyRecord)!;

    internal static JsonObject WithSecret(KeyRecord key, string secret)
    {
        var json = ToJson(key);
        json["key"] = secret; // shown this once; only the hash is stored
        return json;
    }

    internal static int PositiveInt(string? text, string name, int fallback) =>
        string.IsNullOrEmpty(text) ? fallback : int.TryParse(text, out var n) && n >= 1 ? n : throw Errors.InvalidField(name, "expected a positive integer");
}
