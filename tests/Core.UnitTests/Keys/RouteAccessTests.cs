using Gateway.Http;
using Gateway.Keys;

namespace Gateway.Tests.Keys;

public sealed class RouteAccessTests
{
    private static KeyRecord Key(params string[] routes) => new() { Hash = "h", AllowedRoutes = [.. routes] };

    [Theory]
    [InlineData("/chat/completions", "/v1/chat/completions")]
    [InlineData("/chat/completions", "/chat/completions")]
    [InlineData("/v1/chat/completions", "/chat/completions")]
    [InlineData("/chat/completions", "/V1/Chat/Completions/")]
    [InlineData("/key/*", "/key/info")]
    [InlineData("llm_api_routes", "/v1/embeddings")]
    [InlineData("openai_routes", "/v1/models/gpt-4o")]
    [InlineData("info_routes", "/key/info")]
    [InlineData("info_routes", "/user/info")]
    public void An_allowed_route_passes(string allowed, string path) => RouteAccess.Check(Key(allowed), path);

    [Theory]
    [InlineData("/chat/completions", "/v1/embeddings")]
    [InlineData("/chat/completions", "/chat/completions/extra")]
    [InlineData("/key/info", "/key/update")]
    [InlineData("llm_api_routes", "/key/info")]
    [InlineData("info_routes", "/v1/chat/completions")]
    [InlineData("info_routes", "/key/generate")]
    [InlineData("/key/*", "/team/info")]
    public void Any_other_route_is_403(string allowed, string path)
    {
        var e = Assert.Throws<GatewayException>(() => RouteAccess.Check(Key(allowed), path));
        Assert.Equal(403, e.Status);
        Assert.Equal("route_not_allowed", e.Code);
    }

    [Fact]
    public void No_list_or_an_empty_list_allows_every_route()
    {
        RouteAccess.Check(new KeyRecord { Hash = "h" }, "/anything");
        RouteAccess.Check(Key(), "/anything");
    }

    [Fact]
    public void An_entry_that_is_neither_a_path_nor_a_group_is_refused_when_set()
    {
        var e = Assert.Throws<GatewayException>(() => RouteAccess.Validate(["chat/completions"], "allowed_routes"));
        Assert.Equal(400, e.Status);
        Assert.Equal("allowed_routes", e.Param);
        Assert.Equal(["/a", "info_routes"], RouteAccess.Validate(["/a", "info_routes"], "allowed_routes"));
    }
}
