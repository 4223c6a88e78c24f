using Gateway.Config;
using Gateway.Pricing;
using Microsoft.ML.Tokenizers;

namespace Gateway.Tokens;

/// <summary>Counts the tokens of text exactly as one model family's tokenizer does.</summary>
public interface ITokenCounter
{
    /// <summary>The encoding's name, e.g. <c>o200k_base</c>.</summary>
    string Encoding { get; }

    int Count(ReadOnlySpan<char> text);
}

/// <summary>
/// The local tokenizers, by deployment: OpenAI's tiktoken encodings (<c>o200k_base</c>, <c>cl100k_base</c>) for OpenAI
/// and Azure OpenAI deployments of models that use them. Other providers (Anthropic, Gemini, Bedrock, other
/// OpenAI-compatible servers) have no local tokenizer: <see cref="For"/> gives null and usage is estimated from text
/// length. An encoding loads lazily, once per instance (one per process in the app), the first time it counts, which
/// happens only when a call must be estimated: a call with reported usage never loads one.
/// </summary>
public sealed class TokenCounters
{
    private readonly TiktokenCounter _o200k;
    private readonly TiktokenCounter _cl100k;
    private int _loads;

    public TokenCounters()
    {
        _o200k = new TiktokenCounter("o200k_base", this);
        _cl100k = new TiktokenCounter("cl100k_base", this);
    }

    /// <summary>How many encodings this instance has loaded so far.</summary>
    public int Loads => Volatile.Read(ref _loads);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Routing.ModelGroup, bool> _groups = new();

    /// <summary>Whether any deployment of the group has a local tokenizer (decided once per group, not per call).</summary>
    public bool AnyFor(Routing.ModelGroup group) =>
        _groups.GetOrAdd(group, static (g, self) => g.Deployments.Any(d => self.For(d.Config) is not null), this);

    /// <summary>The tokenizer of the deployment's model, or null when none is available locally.</summary>
    public ITokenCounter? For(DeploymentConfig deployment) =>
        deployment.Provider is "openai" or "azure" ? ForModel(BaseModel(deployment)) : null;

    /// <summary>The tokenizer of an OpenAI model name (a dated snapshot such as <c>gpt-4o-2024-08-06</c> included).</summary>
    public ITokenCounter? ForModel(string model)
    {
        var m = model.AsSpan().Trim();
        if (m.StartsWith("openai/", StringComparison.OrdinalIgnoreCase)) m = m[7..];
        return EncodingOf(m) switch
        {
            "o200k_base" => _o200k,
            "cl100k_base" => _cl100k,
            _ => null,
        };
    }

    /// <summary>The tiktoken encoding of an OpenAI model, by the same name prefixes as tiktoken's own model table.</summary>
    internal static string? EncodingOf(ReadOnlySpan<char> model)
    {
        foreach (var (prefix, encoding) in Prefixes)
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return encoding;
        return null;
    }

    // Order matters: gpt-4o and gpt-4.1 before gpt-4.
    private static readonly (string Prefix, string Encoding)[] Prefixes =
    [
        ("gpt-4o", "o200k_base"), ("gpt-4.1", "o200k_base"), ("gpt-4.5", "o200k_base"), ("gpt-5", "o200k_base"),
        ("chatgpt-4o", "o200k_base"), ("o1", "o200k_base"), ("o3", "o200k_base"), ("o4", "o200k_base"),
        ("gpt-4", "cl100k_base"), ("gpt-3.5-turbo", "cl100k_base"), ("gpt-35-turbo", "cl100k_base"),
        ("text-embedding-3", "cl100k_base"), ("text-embedding-ada-002", "cl100k_base"),
    ];

    /// <summary>An Azure deployment's name says nothing of its model; <c>model_info.base_model</c> does, when set.</summary>
    private static string BaseModel(DeploymentConfig d) =>
        d.ModelInfo[PriceFields.BaseModel] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var b) && !string.IsNullOrWhiteSpace(b)
            ? StripProvider(b)
            : d.UpstreamModel;

    private static string StripProvider(string model)
    {
        var slash = model.IndexOf('/');
        return slash >= 0 ? model[(slash + 1)..] : model;
    }

    private sealed class TiktokenCounter(string encoding, TokenCounters owner) : ITokenCounter
    {
        private Tokenizer? _tokenizer;
        private readonly Lock _gate = new();

        public string Encoding => encoding;

        public int Count(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : Tokenizer.CountTokens(text);

        private Tokenizer Tokenizer => Volatile.Read(ref _tokenizer) ?? Load();

        private Tokenizer Load()
        {
            lock (_gate)
            {
                if (_tokenizer is { } t) return t;
                t = TiktokenTokenizer.CreateForEncoding(encoding);
                Interlocked.Increment(ref owner._loads);
                Volatile.Write(ref _tokenizer, t);
                return t;
            }
        }
    }
}
