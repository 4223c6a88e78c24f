using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Gemini;

/// <summary>
/// Gemini function calls carry no id, but OpenAI clients answer each call by id. The gateway mints
/// <c>call_&lt;12 hex&gt;_&lt;function name&gt;</c>; on the next turn a tool message's id is mapped back to its function
/// name from the assistant message that made the call, or, failing that, from the name inside the id itself.
/// When Gemini signs a call (<c>thoughtSignature</c>, which Gemini 3 requires back on the next turn), the signature rides
/// in the id after a <c>~</c> (a character neither function names nor base64 use) and is restored on the functionCall part.
/// </summary>
public static class GeminiToolCallIds
{
    private const string Prefix = "call_";
    private const int RandomHex = 12;
    private const char SignatureMark = '~';

    public static string Mint(string functionName, string? thoughtSignature = null) =>
        Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomHex / 2)) + "_" + functionName
        + (string.IsNullOrEmpty(thoughtSignature) ? "" : SignatureMark + thoughtSignature);

    /// <summary>The thought signature carried in a minted id, if any.</summary>
    public static string? Signature(string id)
    {
        if (!id.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var mark = id.IndexOf(SignatureMark);
        return mark > 0 && mark < id.Length - 1 ? id[(mark + 1)..] : null;
    }

    /// <summary>The function names of every tool call in the conversation, by id.</summary>
    public static Dictionary<string, string> NamesById(JsonElement messages)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in messages.EnumerateArray())
            if (JsonBytes.TryGet(m, "tool_calls", JsonValueKind.Array, out var calls))
                foreach (var c in calls.EnumerateArray())
                    if (JsonBytes.String(c, "id") is { } id && c.TryGetProperty("function", out var f) && JsonBytes.String(f, "name") is { } name)
                        names[id] = name;
        return names;
    }

    public static string? NameFromId(string id)
    {
        if (!id.StartsWith(Prefix, StringComparison.Ordinal) || id.Length <= Prefix.Length + RandomHex + 1 || id[Prefix.Length + RandomHex] != '_') return null;
        var name = id[(Prefix.Length + RandomHex + 1)..];
        var mark = name.IndexOf(SignatureMark);
        return mark < 0 ? name : mark > 0 ? name[..mark] : null;
    }
}
