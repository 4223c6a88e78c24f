using System.Text;
using System.Text.Json;
using Gateway.Caching;
using Gateway.Pipeline;

namespace Gateway.Tests.Caching;

public sealed class CacheKeyTests
{
    private static string Key(string json, CallKind kind = CallKind.ChatCompletion, string group = "g", string? ns = null, string? scope = null)
    {
        using var doc = JsonDocument.Parse(json);
        return CacheKey.For(kind, group, ns, scope, doc.RootElement);
    }

    [Fact]
    public void Member_order_escapes_and_labels_do_not_change_the_key()
    {
        var a = Key("""{"model":"x","messages":[{"role":"user","content":"héllo"}],"temperature":0}""");
        Assert.Equal(a, Key("""{"temperature":0,"messages":[{"content":"h\u00e9llo","role":"user"}],"model":"y","stream":true,"user":"u","metadata":{"k":1},"tags":["t"],"cache":{"ttl":5}}"""));
        Assert.Matches("^[0-9a-f]{64}$", a);
        Assert.True(CacheKey.IsWellFormed(a));
    }

    [Fact]
    public void Every_other_field_and_the_header_parts_change_it()
    {
        const string Body = """{"messages":[{"role":"user","content":"hi"}]}""";
        var keys = new[]
        {
            Key(Body), Key("""{"messages":[{"role":"user","content":"hi "}]}"""), Key("""{"messages":[{"role":"user","content":"hi"}],"top_p":1}"""),
            Key("""{"messages":[{"role":"user","content":"hi"}],"temperature":0.0}"""), Key("""{"messages":[{"role":"user","content":"hi"}],"temperature":0}"""),
            Key(Body, CallKind.AnthropicMessages), Key(Body, group: "h"), Key(Body, ns: "n"), Key(Body, scope: "key:abc"),
            // Length-prefixed header parts: moving a character from the group into the namespace is another key.
            Key(Body, group: "ab", ns: "c"), Key(Body, group: "a", ns: "bc"),
        };
        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Deep_bodies_the_parser_accepts_have_a_key()
    {
        var deep = new string('[', 120) + new string(']', 120);
        var json = $$"""{"messages":[{"role":"user","content":"hi"}],"x":{{deep}}}""";
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(json), new JsonDocumentOptions { MaxDepth = 128 });
        Assert.Matches("^[0-9a-f]{64}$", CacheKey.For(CallKind.ChatCompletion, "g", null, null, doc.RootElement));
    }
}
