using Gateway.Pipeline;

namespace Gateway.Caching;

/// <summary>Where cached answers live: this instance's memory, the gateway's store (with a memory front), or either plus a semantic index.</summary>
public enum CacheType
{
    Local,
    Store,
    Semantic,
}

/// <summary>Whose answers a caller may be served: anyone's (the default), only its own key's, or only its team's.</summary>
public enum CacheScope
{
    Global,
    Key,
    Team,
}

/// <summary>
/// <c>litellm_settings.cache</c> and <c>cache_params</c>, validated. With <see cref="DefaultOn"/> every eligible call is
/// cached; without it (<c>mode: default_off</c>) only calls that send <c>cache: {"use-cache": true}</c>.
/// </summary>
public sealed record CacheSettings
{
    public static readonly CacheSettings Off = new() { Enabled = false };

    public bool Enabled { get; init; } = true;
    public CacheType Type { get; init; } = CacheType.Local;

    /// <summary>How long an answer is kept unless the request's <c>cache.ttl</c> says otherwise.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(10);

    public bool DefaultOn { get; init; } = true;

    public IReadOnlySet<CallKind> CallKinds { get; init; } = new HashSet<CallKind> { CallKind.ChatCompletion, CallKind.Embedding, CallKind.AnthropicMessages };

    /// <summary>A prefix for every key; a request's <c>cache.namespace</c> replaces it.</summary>
    public string? Namespace { get; init; }

    public CacheScope Scope { get; init; } = CacheScope.Global;

    /// <summary>Cache calls with <c>temperature &gt; 0</c> or <c>n &gt; 1</c> too (off: such answers are meant to vary).</summary>
    public bool CacheSampled { get; init; }

    /// <summary>At most this many answers in one instance's memory (<c>max_size_in_memory</c>), and at most this many bytes.</summary>
    public int MaxEntries { get; init; } = 1000;
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>An answer larger than this is not cached.</summary>
    public int MaxEntryBytes { get; init; } = 1024 * 1024;

    /// <summary>Model groups that share one cache (<c>caching_groups</c>): each group name maps to its set's first name.</summary>
    public IReadOnlyDictionary<string, string> SharedGroups { get; init; } = new Dictionary<string, string>();

    /// <summary><c>type: semantic</c>: the least cosine similarity of two prompts for one to be answered with the other's answer.</summary>
    public double SimilarityThreshold { get; init; } = 0.95;

    /// <summary><c>semantic_cache_embedding_model</c>: the model group (from <c>model_list</c>) that embeds prompts.</summary>
    public string? EmbeddingModel { get; init; }

    /// <summary>The most prompts one semantic index (a model group, namespace and scope) holds in an instance's memory; the oldest go first.</summary>
    public int MaxSemanticEntries { get; init; } = 10_000;

    public string CacheGroupOf(string group) => SharedGroups.GetValueOrDefault(group) ?? group;
}
