using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Pipeline;

namespace Gateway.Caching;

/// <summary>
/// The cache key of a request: SHA-256 over the call kind, the cache group (the model group, or its shared
/// <c>caching_groups</c> set), the namespace, the scope's subject (a key hash or team id when the cache is scoped), and
/// the body in a canonical form: every field except those that cannot change the answer (<see cref="Ignored"/>), object
/// members sorted by name, strings re-escaped one way. So the same question asked with reordered fields or another
/// alias of the same group hits, and any change to messages, tools, tool choice, response format or a sampling
/// parameter misses.
/// </summary>
public static class CacheKey
{
    /// <summary>
    /// Top-level fields that never change the answer: the model name (the group stands in for it), streaming (a stream
    /// replays the same answer), the cache controls themselves, and the caller's own labels.
    /// </summary>
    private static readonly string[] Ignored = ["model", "stream", "stream_options", "cache", "user", "metadata", "tags"];

    [ThreadStatic] private static ArrayBufferWriter<byte>? _scratch;

    /// <summary>The prompt itself: what a semantic match compares instead of hashing.</summary>
    private static readonly string[] Prompt = ["messages", "system"];

    public static string For(CallKind kind, string cacheGroup, string? ns, string? scope, JsonElement root) => Hash(kind, cacheGroup, ns, scope, root, withPrompt: true);

    /// <summary>
    /// The key of everything but the prompt (<c>messages</c>, <c>system</c>): a semantic match is only looked for among
    /// prompts asked with exactly these settings (model group, tools, response format, sampling, namespace, scope).
    /// </summary>
    public static string ForSettings(CallKind kind, string cacheGroup, string? ns, string? scope, JsonElement root) =>
        Hash(kind, cacheGroup, ns, scope, root, withPrompt: false);

    /// <summary>
    /// The key of one input of an embedding batch: every field but <c>input</c>, and that one input. So an input embedded
    /// alone or in any batch, at any position, with the same model group and settings, has one key.
    /// </summary>
    public static string ForEmbeddingInput(string cacheGroup, string? ns, string? scope, JsonElement root, JsonElement input) =>
        Hash(CallKind.Embedding, cacheGroup, ns, scope, root, withPrompt: false, input);

    private static string Hash(CallKind kind, string cacheGroup, string? ns, string? scope, JsonElement root, bool withPrompt, JsonElement? input = null)
    {
        var buffer = _scratch ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        Header(buffer, kind, cacheGroup, ns, (input is not null ? "input|" : withPrompt ? "" : "settings|") + scope);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, MaxDepth = Http.RequestJson.MaxDepth * 2 }))
        {
            w.WriteStartObject();
            foreach (var p in Sorted(root))
            {
                if (Array.IndexOf(Ignored, p.Name) >= 0 || (!withPrompt && Array.IndexOf(Prompt, p.Name) >= 0)) continue;
                if (input is not null && p.Name == "input") continue;
                w.WritePropertyName(p.Name);
                Write(w, p.Value);
            }
            w.WriteEndObject();
            if (input is { } one) Write(w, one);
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>True for a key this gateway could have made (64 lowercase hex digits): what <c>/cache/delete</c> accepts.</summary>
    public static bool IsWellFormed(string key) => key.Length == 64 && key.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static void Header(ArrayBufferWriter<byte> buffer, CallKind kind, string group, string? ns, string? scope)
    {
        // Length-prefixed parts: no choice of names can make two different headers read the same.
        foreach (var part in (ReadOnlySpan<string?>)["v1", kind.SpendName(), group, ns ?? "", scope ?? ""])
        {
            var text = part ?? "";
            var bytes = Encoding.UTF8.GetByteCount(text);
            Encoding.UTF8.GetBytes(bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":", buffer);
            Encoding.UTF8.GetBytes(text, buffer);
        }
    }

    private static void Write(Utf8JsonWriter w, JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in Sorted(v))
                {
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in v.EnumerateArray()) Write(w, item);
                w.WriteEndArray();
                break;
            case JsonValueKind.String:
                w.WriteStringValue(v.GetString());
                break;
            default:
                v.WriteTo(w); // numbers as written, true, false, null
                break;
        }
    }

    private static JsonProperty[] Sorted(JsonElement obj)
    {
        var props = obj.EnumerateObject().ToArray();
        if (props.Length > 1) Array.Sort(props, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return props;
    }
}
