using System.Text;
using Gateway.Embeddings;
using Gateway.Http;

namespace Gateway.Tests.Providers;

public sealed class EmbeddingsRequestTests
{
    private static EmbeddingsRequest Parse(string json) => EmbeddingsRequest.Parse(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"input":"x"}""", "model")]
    [InlineData("""{"model":["a"],"input":"x"}""", "model")]
    [InlineData("""{"model":"e"}""", "input")]
    [InlineData("""{"model":"e","input":null}""", "input")]
    [InlineData("""{"model":"e","input":5}""", "input")]
    [InlineData("""{"model":"e","input":{"text":"x"}}""", "input")]
    [InlineData("""{"model":"e","input":[]}""", "input")]
    [InlineData("""{"model":"e","input":"x","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"e","input":"x","encoding_format":1}""", "encoding_format")]
    [InlineData("""{"model":"e","input":"x","encoding_format":"FLOAT"}""", "encoding_format")]
    [InlineData("""{"model":"e","input":"x","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"e","input":"x","dimensions":"256"}""", "dimensions")]
    public void Invalid_requests_name_the_field(string json, string param)
    {
        var e = Assert.Throws<GatewayException>(() => Parse(json));

        Assert.Equal(400, e.Status);
        Assert.Equal(param, e.Param);
        Assert.Contains($"'{param}'", e.Message);
    }

    [Theory]
    [InlineData("{\"model\":")]
    [InlineData("[]")]
    [InlineData("")]
    public void Malformed_json_is_invalid_json(string json)
    {
        var e = Assert.Throws<GatewayException>(() => Parse(json));

        Assert.Equal(400, e.Status);
        Assert.Equal("invalid_json", e.Code);
    }

    [Theory]
    [InlineData("""{"model":"emb","input":"hello"}""")]
    [InlineData("""{"model":"emb","input":["a","b"],"encoding_format":"base64"}""")]
    [InlineData("""{"model":"emb","input":[[1,2,3]],"encoding_format":"float","dimensions":256}""")]
    [InlineData("""{"model":"emb","input":"x","encoding_format":null,"user":"u"}""")]
    public void Valid_requests_expose_the_model(string json)
    {
        using var r = Parse(json);

        Assert.Equal("emb", r.Model);
        Assert.True(r.Root.TryGetProperty("input", out _));
    }
}
