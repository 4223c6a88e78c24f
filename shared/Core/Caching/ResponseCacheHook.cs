using System.Text.Json;
using Gateway.Auth;
using Gateway.Caching.Replay;
using Gateway.Caching.Semantic;
using Gateway.Chat;
using Gateway.Pipeline;
using Gateway.Routing;
using Gateway.Spend.Ingest;

namespace Gateway.Caching;

/// <summary>
/// The response cache as a call hook. Before the call: decide whether the call may use the cache, compute its key, and
/// answer a hit (a fresh <c>id</c> and <c>created</c>, every other byte as cached; replayed as a stream when the call
/// streams), booked at $0 with <c>saved</c> = the original cost. After a successful call: keep its answer (for a stream,
/// the completion rebuilt from its chunks) for the request's <c>ttl</c> or the configured one. The lookup runs after the
/// model access check and admission, and the key names the model group, so a key can never be answered for a model it
/// may not use, and a hit still takes its rate-limit slot.
/// </summary>
public sealed class ResponseCacheHook(CacheSettings settings, IResponseCacheStore store, TimeProvider time, SemanticCache? semantic = null) : ICallHook
{
    public const string HitHeader = "x-gateway-cache-hit";
    public const string KeyHeader = "x-gateway-cache-key";

    /// <summary>On an embedding batch: how many of its inputs were cached, of how many (<c>3/5</c>).</summary>
    public const string InputsHeader = "x-gateway-cache-inputs";

    private readonly EmbeddingInputCache _inputs = new(store, settings.MaxEntryBytes);

    public void Screen(CallKind kind, CallerIdentity caller, IModelRequest request, ModelGroup group)
    {
        if (!settings.CallKinds.Contains(kind)) return;
        CacheControls.Read(request.Root).CheckAllowed(caller);
    }

    public async ValueTask<HookAnswer?> BeforeCallAsync(ModelCall call, CancellationToken ct)
    {
        if (!settings.CallKinds.Contains(call.Kind)) return null;
        var request = call.Request;
        var controls = CacheControls.Read(request.Root);
        if (!(controls.UseCache ?? settings.DefaultOn)) return null;
        if (!settings.CacheSampled && IsSampled(request)) return null;

        var key = CacheKey.For(call.Kind, settings.CacheGroupOf(call.Group.Name), controls.Namespace ?? settings.Namespace, ScopeOf(call.Caller), request.Root);
        var lookup = new Lookup(key, controls);
        call.SetHookState(this, lookup);
        call.SetResponseHeader(HitHeader, "false");
        if (request.Stream && !controls.NoStore) FollowStream(call, lookup);
        if (controls.NoCache) return null;

        var now = time.GetUtcNow();
        if (await store.GetAsync(key, now, ct) is { } entry && entry.IsYoungerThan(controls.MaxAge, now)) return Hit(call, lookup, key, entry, now);
        if (call.Kind == CallKind.Embedding) return await InputsAsync(call, lookup, now, ct);
        if (semantic is null || !SemanticCache.Applies(call.Kind)) return null;

        // No exact match: look for a paraphrase asked with the same settings.
        lookup.SemanticIndex = CacheKey.ForSettings(call.Kind, settings.CacheGroupOf(call.Group.Name), controls.Namespace ?? settings.Namespace,
            ScopeOf(call.Caller), request.Root);
        var (vector, match) = await semantic.FindAsync(call, lookup.SemanticIndex, now, ct);
        lookup.Vector = vector;
        if (match is not { } m || await store.GetAsync(m.CacheKey, now, ct) is not { } similar || !similar.IsYoungerThan(controls.MaxAge, now)) return null;
        call.SetResponseHeader(SemanticCache.SimilarityHeader, m.Similarity.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));
        return Hit(call, lookup, m.CacheKey, similar, now);
    }

    /// <summary>No whole-batch match: look each input up. All known answers the call; some known narrows it to the rest.</summary>
    private async Task<HookAnswer?> InputsAsync(ModelCall call, Lookup lookup, DateTimeOffset now, CancellationToken ct)
    {
        var root = call.Request.Root;
        if (EmbeddingInputCache.Inputs(root) is not { } inputs) return null;
        var group = settings.CacheGroupOf(call.Group.Name);
        var ns = lookup.Controls.Namespace ?? settings.Namespace;
        var scope = ScopeOf(call.Caller);
        lookup.Inputs = inputs;
        lookup.InputKeys = inputs.Select(i => CacheKey.ForEmbeddingInput(group, ns, scope, root, i)).ToArray();
        var known = await _inputs.LookupAsync(lookup.InputKeys, call.Request.Model, now, lookup.Controls.MaxAge, ct);
        call.SetResponseHeader(InputsHeader, $"{known.Hits}/{inputs.Length}");
        if (known.Hits == 0) return null;
        if (known.Missing.Length == 0)
        {
            lookup.Hit = true;
            call.SetResponseHeader(HitHeader, "true");
            call.SetResponseHeader(KeyHeader, lookup.Key);
            return new HookAnswer(known.Complete(), Saved: known.Saved);
        }
        lookup.Known = known;
        call.KnownEmbeddings = known;
        return null;
    }

    private static HookAnswer Hit(ModelCall call, Lookup lookup, string key, CacheEntry entry, DateTimeOffset now)
    {
        lookup.Hit = true;
        call.SetResponseHeader(HitHeader, "true");
        call.SetResponseHeader(KeyHeader, key);
        return Answer(call, entry, now);
    }

    public async ValueTask AfterCallAsync(ModelCall call, CallOutcome outcome, CancellationToken ct)
    {
        if (call.HookState<Lookup>(this) is not { Hit: false } lookup || !outcome.Succeeded || outcome.AnsweredByHook || lookup.Controls.NoStore) return;
        var body = call.Request.Stream ? lookup.Assembled?.Invoke() : call.ResponseBody.ToArray();
        if (body is not { Length: > 0 } || body.Length > settings.MaxEntryBytes) return;
        var now = time.GetUtcNow();
        var expires = now + (lookup.Controls.Ttl ?? settings.Ttl);
        // A batch answered partly from the cache is kept whole at what all of it cost (the part just paid and the part known).
        await store.SetAsync(lookup.Key, new CacheEntry(body, now, expires, outcome.Cost + (lookup.Known?.Saved ?? 0m)), ct);
        if (lookup is { InputKeys: { } keys, Inputs: { } inputs })
            await _inputs.StoreAsync(keys, inputs, lookup.Known, body, outcome.Cost, now, expires, ct);
        if (lookup is { Vector: { } vector, SemanticIndex: { } index } && semantic is not null) await semantic.RememberAsync(index, vector, lookup.Key, expires, ct);
    }

    /// <summary>A streamed call's answer is rebuilt from the chunks as they go out, to be kept once the stream completes.</summary>
    private void FollowStream(ModelCall call, Lookup lookup)
    {
        switch (call.Kind)
        {
            case CallKind.ChatCompletion:
                var chat = new ChatStreamAssembler(settings.MaxEntryBytes);
                call.Progress.Listen(chat.Add);
                lookup.Assembled = chat.Completion;
                break;
            case CallKind.AnthropicMessages:
                var messages = new MessagesStreamAssembler(settings.MaxEntryBytes);
                call.Progress.Listen(messages.Add);
                lookup.Assembled = messages.Message;
                break;
        }
    }

    private static HookAnswer Answer(ModelCall call, CacheEntry entry, DateTimeOffset now)
    {
        var body = FreshIdentity.Apply(entry.Body, NewId(call.Kind, call.Timing.RequestId), now);
        if (!call.Request.Stream) return new HookAnswer(body, Saved: entry.Cost);
        var stream = call.Kind switch
        {
            CallKind.AnthropicMessages => MessagesReplay.Write(body),
            _ => ChatReplay.Write(body, call.Request is ChatRequest { ClientWantsUsage: true }),
        };
        return new HookAnswer(stream, HookAnswer.EventStream, entry.Cost);
    }

    private static string NewId(CallKind kind, string requestId) =>
        (kind == CallKind.AnthropicMessages ? "msg_" : "chatcmpl-") + requestId.Replace("-", "", StringComparison.Ordinal);

    /// <summary>Answers meant to vary (<c>temperature</c> above 0, several choices) are not cached unless the config says so.</summary>
    private static bool IsSampled(IModelRequest request) =>
        request.Choices > 1
        || (request.Root.TryGetProperty("temperature", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetDouble(out var v) && v > 0);

    private string? ScopeOf(CallerIdentity caller) => settings.Scope switch
    {
        CacheScope.Key => "key:" + (caller.KeyHash ?? SpendDimensions.NoKey),
        CacheScope.Team => caller.Grant?.Key.TeamId is { } team ? "team:" + team : "key:" + (caller.KeyHash ?? SpendDimensions.NoKey),
        _ => null,
    };

    /// <summary>What the before-call step decided, for the after-call step.</summary>
    private sealed class Lookup(string key, CacheControls controls)
    {
        public string Key => key;
        public CacheControls Controls => controls;
        public bool Hit { get; set; }
        public Func<byte[]?>? Assembled { get; set; }
        public string? SemanticIndex { get; set; }
        public float[]? Vector { get; set; }
        public JsonElement[]? Inputs { get; set; }
        public string[]? InputKeys { get; set; }
        public Embeddings.KnownEmbeddings? Known { get; set; }
    }
}
