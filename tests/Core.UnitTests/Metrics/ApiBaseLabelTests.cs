using Gateway.Metrics;

namespace Gateway.Tests.Metrics;

/// <summary>The <c>api_base</c> metric label never carries a secret a configured URL may hold.</summary>
public sealed class ApiBaseLabelTests
{
    [Theory]
    [InlineData("https://res.openai.azure.com/openai?api-key=sk-secret", "https://res.openai.azure.com/openai")]
    [InlineData("https://user:p4ss@proxy.example.com:8443/v1", "https://proxy.example.com:8443/v1")]
    [InlineData("http://127.0.0.1:18141/v1#token=abc", "http://127.0.0.1:18141/v1")]
    [InlineData("https://api.openai.com/v1", "https://api.openai.com/v1")]
    public void Only_scheme_host_port_and_path_remain(string apiBase, string label)
    {
        Assert.Equal(label, ApiBaseLabel.Of(apiBase));
        Assert.DoesNotContain("secret", ApiBaseLabel.Of(apiBase));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("not a url with sk-secret", "")]
    [InlineData("ftp://host/sk-secret", "")]
    public void What_is_not_an_http_url_is_not_echoed(string? apiBase, string label) => Assert.Equal(label, ApiBaseLabel.Of(apiBase));
}
