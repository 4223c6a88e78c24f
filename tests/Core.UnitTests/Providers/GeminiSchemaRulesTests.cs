using System.Text;
using System.Text.Json;
using Gateway.Providers.Gemini;

namespace Gateway.Tests.Providers;

/// <summary>
/// One case per rule of Gemini's schema subset that agents' tool schemas break (Claude Code sends two dozen tools): each
/// would make Gemini refuse the whole request with a 400.
/// </summary>
public sealed class GeminiSchemaRulesTests
{
    private static JsonElement Rewrite(string schema)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) GeminiSchema.Write(w, JsonDocument.Parse(schema).RootElement);
        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan)).RootElement;
    }

    [Fact]
    public void An_integer_enum_is_named_in_the_description_instead()
    {
        // Gemini: "enum: only allowed for STRING type".
        var s = Rewrite("""{"type":"integer","description":"Indent width.","enum":[2,4,8]}""");
        Assert.False(s.TryGetProperty("enum", out _));
        Assert.Equal("integer", s.GetProperty("type").GetString());
        Assert.Equal("Indent width. Allowed values: 2, 4, 8.", s.GetProperty("description").GetString());
    }

    [Fact]
    public void A_boolean_const_is_named_in_the_description_instead()
    {
        var s = Rewrite("""{"type":"boolean","const":true}""");
        Assert.False(s.TryGetProperty("enum", out _));
        Assert.Equal("Allowed values: true.", s.GetProperty("description").GetString());
    }

    [Fact]
    public void A_string_enum_and_a_string_const_stay_enums()
    {
        Assert.Equal(["a", "b"], Rewrite("""{"type":"string","enum":["a","b"]}""").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["only"], Rewrite("""{"type":"string","const":"only"}""").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
    }

    [Theory]
    [InlineData("string", "uri")]
    [InlineData("string", "email")]
    [InlineData("string", "uuid")]
    [InlineData("integer", "uint32")]
    [InlineData("number", "decimal")]
    public void A_format_Gemini_does_not_know_for_the_type_is_dropped(string type, string format)
    {
        var s = Rewrite($$"""{"type":"{{type}}","format":"{{format}}"}""");
        Assert.False(s.TryGetProperty("format", out _));
        Assert.Equal(type, s.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("string", "date-time")]
    [InlineData("string", "enum")]
    [InlineData("integer", "int64")]
    [InlineData("number", "double")]
    public void A_format_Gemini_knows_is_kept(string type, string format) =>
        Assert.Equal(format, Rewrite($$"""{"type":"{{type}}","format":"{{format}}"}""").GetProperty("format").GetString());

    [Fact]
    public void The_rules_hold_inside_properties_items_and_anyOf()
    {
        var s = Rewrite("""
            {"type":"object","properties":{
              "level":{"type":"integer","enum":[1,2]},
              "urls":{"type":"array","items":{"type":"string","format":"uri"}},
              "either":{"oneOf":[{"type":"number","enum":[0.5]},{"type":"string","format":"email"}]}}}
            """);
        var p = s.GetProperty("properties");
        Assert.False(p.GetProperty("level").TryGetProperty("enum", out _));
        Assert.False(p.GetProperty("urls").GetProperty("items").TryGetProperty("format", out _));
        var anyOf = p.GetProperty("either").GetProperty("anyOf");
        Assert.False(anyOf[0].TryGetProperty("enum", out _));
        Assert.Equal("Allowed values: 0.5.", anyOf[0].GetProperty("description").GetString());
        Assert.False(anyOf[1].TryGetProperty("format", out _));
    }
}
