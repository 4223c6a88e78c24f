using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Gateway.Config;
using Gateway.Config.Sections;

namespace Gateway.Pipeline;

/// <summary>
/// A model group's request defaults (<c>litellm_params.temperature</c>, <c>max_tokens</c>, ...) and dropped fields
/// (<c>additional_drop_params</c>), applied to the parsed request before admission, so the reservation, the routing and
/// the upstream all see the same request. The client's own value always wins; <c>max_tokens</c> and
/// <c>max_completion_tokens</c> count as one setting, so a default never adds a second cap beside the client's.
/// </summary>
public sealed class RequestDefaults
{
    public static readonly RequestDefaults None = new([], [], []);

    private readonly (string Name, byte[] Value)[] _chat;
    private readonly (string Name, byte[] Value)[] _embedding;
    private readonly string[] _drop;

    private RequestDefaults((string, byte[])[] chat, (string, byte[])[] embedding, string[] drop) =>
        (_chat, _embedding, _drop) = (chat, embedding, drop);

    /// <summary>The defaults of a model name (its deployments agree on them; the config checks that).</summary>
    public static RequestDefaults For(DeploymentConfig d)
    {
        if (d.DefaultParams.Count == 0 && d.DropParams.Count == 0) return None;
        (string, byte[])[] Pick(IReadOnlySet<string> keys) => d.DefaultParams
            .Where(p => keys.Contains(p.Key) && p.Value is not null)
            .Select(p => (p.Key, Encoding.UTF8.GetBytes(p.Value!.ToJsonString()))).ToArray();
        return new RequestDefaults(Pick(RequestParamsReader.ChatKeys), Pick(RequestParamsReader.EmbeddingKeys), [.. d.DropParams]);
    }

    public bool IsEmpty => _chat.Length == 0 && _embedding.Length == 0 && _drop.Length == 0;

    /// <summary>The body with defaults added and dropped fields removed; null when the request needs no change.</summary>
    public byte[]? Apply(JsonElement root, CallKind kind)
    {
        if (IsEmpty) return null;
        var defaults = kind switch
        {
            CallKind.ChatCompletion => _chat,
            CallKind.Embedding => _embedding,
            _ => [],
        };
        var missing = defaults.Where(d => !Present(root, d.Name)).ToArray();
        var dropping = _drop.Any(n => root.TryGetProperty(n, out _));
        if (missing.Length == 0 && !dropping) return null;

        var w = new ArrayBufferWriter<byte>(4096);
        w.Write("{"u8);
        var first = true;
        foreach (var prop in root.EnumerateObject())
        {
            if (_drop.Contains(prop.Name)) continue;
            Separator(w, ref first);
            w.Write("\""u8);
            w.Write(JsonMarshal.GetRawUtf8PropertyName(prop));
            w.Write("\":"u8);
            w.Write(JsonMarshal.GetRawUtf8Value(prop.Value));
        }
        foreach (var (name, value) in missing)
        {
            if (_drop.Contains(name)) continue;
            Separator(w, ref first);
            w.Write("\""u8);
            w.Write(Encoding.UTF8.GetBytes(name));
            w.Write("\":"u8);
            w.Write(value);
        }
        w.Write("}"u8);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Whether the client set <paramref name="name"/> (an explicit null counts); the two output caps are one setting.</summary>
    private static bool Present(JsonElement root, string name) =>
        root.TryGetProperty(name, out _)
        || name is "max_tokens" && root.TryGetProperty("max_completion_tokens", out _)
        || name is "max_completion_tokens" && root.TryGetProperty("max_tokens", out _);

    private static void Separator(ArrayBufferWriter<byte> w, ref bool first)
    {
        if (!first) w.Write(","u8);
        first = false;
    }
}
