using System.Text;
using System.Text.Json;
using Gateway.Providers.OpenAI;

namespace Gateway.Tests.Providers;

public sealed class OpenAIRequestWriterTests
{
    private static string Write(string json, string? model, bool forceStreamUsage = false)
    {
        using var doc = JsonDocument.Parse(json);
        var bytes = OpenAIRequestWriter.Write(doc.RootElement, model is null ? null : JsonEncodedText.Encode(model), forceStreamUsage);
        var text = Encoding.UTF8.GetString(bytes);
        using var check = JsonDocument.Parse(bytes);
        Assert.Equal(JsonValueKind.Object, check.RootElement.ValueKind);
        return text;
    }

    [Fact]
    public void Unknown_fields_are_copied_byte_for_byte()
    {
        const string input = """
            {
              "messages": [ {"role":"user",  "content":"caf\u00e9 \ud83d\ude00 \"q\""} ],
              "model" : "client-name",
              "temperature": 0.10,
              "max_tokens": 1.0e+2,
              "seed": -0,
              "metadata": {"a": [1, 2, {"b": null}],  "c":"x"},
              "x_vendor\u005fflag": true
            }
            """;

        var output = Write(input, "upstream-model");

        Assert.Equal(
            """{"messages":[ {"role":"user",  "content":"caf\u00e9 \ud83d\ude00 \"q\""} ],"model":"upstream-model","temperature":0.10,"max_tokens":1.0e+2,"seed":-0,"metadata":{"a": [1, 2, {"b": null}],  "c":"x"},"x_vendor\u005fflag":true}""",
            output);
    }

    [Fact]
    public void Model_is_replaced_in_place()
    {
        var output = Write("""{"a":1,"model":"public","b":2}""", "deployment");

        Assert.Equal("""{"a":1,"model":"deployment","b":2}""", output);
    }

    [Fact]
    public void Missing_model_is_added()
    {
        Assert.Equal("""{"a":1,"model":"m"}""", Write("""{"a":1}""", "m"));
        Assert.Equal("""{"model":"m"}""", Write("{}", "m"));
    }

    [Fact]
    public void Model_is_dropped_when_none_is_given()
    {
        Assert.Equal("""{"a":1,"b":2}""", Write("""{"a":1,"model":"public","b":2}""", null));
    }

    [Fact]
    public void Model_name_is_json_escaped()
    {
        var output = Write("""{"model":"x"}""", "we\"ird\\dép");

        using var doc = JsonDocument.Parse(output);
        Assert.Equal("we\"ird\\dép", doc.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void Mock_response_is_removed()
    {
        Assert.Equal("""{"model":"m","n":1}""", Write("""{"mock_response":"hi","model":"x","n":1}""", "m"));
        Assert.Equal("""{"model":"m"}""", Write("""{"model":"x","mock_response":{"a":1}}""", "m", forceStreamUsage: false));
    }

    [Fact]
    public void Force_stream_usage_adds_stream_options_when_absent()
    {
        var output = Write("""{"model":"x","stream":true}""", "m", forceStreamUsage: true);

        Assert.Equal("""{"model":"m","stream":true,"stream_options":{"include_usage":true}}""", output);
    }

    [Fact]
    public void Force_stream_usage_keeps_other_stream_options_and_overrides_include_usage()
    {
        var output = Write("""{"stream_options":{"include_usage":false,"continuous_usage_stats":true, "x": [1, 2]},"model":"x"}""", "m", forceStreamUsage: true);

        Assert.Equal("""{"stream_options":{"include_usage":true,"continuous_usage_stats":true,"x":[1, 2]},"model":"m"}""", output);
    }

    [Fact]
    public void Force_stream_usage_replaces_null_stream_options()
    {
        var output = Write("""{"model":"x","stream_options":null}""", "m", forceStreamUsage: true);

        Assert.Equal("""{"model":"m","stream_options":{"include_usage":true}}""", output);
    }

    [Fact]
    public void Stream_options_are_copied_untouched_without_force()
    {
        var output = Write("""{"model":"x","stream_options":{"include_usage":false}}""", "m");

        Assert.Equal("""{"model":"m","stream_options":{"include_usage":false}}""", output);
    }

    [Fact]
    public void Repeated_writes_do_not_leak_earlier_output()
    {
        var long1 = Write("""{"model":"x","padding":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "m");
        var short1 = Write("""{"model":"x"}""", "m");

        Assert.Equal("""{"model":"m","padding":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", long1);
        Assert.Equal("""{"model":"m"}""", short1);
    }
}
