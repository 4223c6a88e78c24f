using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.AdminUi;

/// <summary>
/// The console's files as the gateway serves them from its embedded bundle: the page and its hashed assets, the security
/// headers (a strict CSP without inline scripts, no framing), caching (ETags, immutable assets), and
/// <c>general_settings.ui: false</c>, which leaves <c>/ui</c> unmapped.
/// </summary>
public sealed class ConsoleServingTests : IAsyncLifetime
{
    private TestGateway _gw = null!;
    private static readonly HttpClient NoRedirects = new(new HttpClientHandler { AllowAutoRedirect = false });

    public async Task InitializeAsync() => _gw = await TestGateway.StartAsync(Yaml.Config());

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private Uri At(string path) => new(_gw.BaseAddress, path);

    [Fact]
    public async Task The_page_is_served_with_a_strict_policy_and_no_inline_script()
    {
        using var r = await NoRedirects.GetAsync(At("/ui/"));
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        Assert.Equal("text/html", r.Content.Headers.ContentType?.MediaType);
        var csp = r.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("DENY", r.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-cache", r.Headers.CacheControl?.ToString());
        Assert.NotNull(r.Headers.ETag);

        var html = await r.Content.ReadAsStringAsync();
        var scripts = Regex.Matches(html, @"<script\b[^>]*>(.*?)</script>", RegexOptions.Singleline);
        Assert.NotEmpty(scripts);
        foreach (Match s in scripts)
        {
            Assert.Contains(" src=\"", s.Value);
            Assert.Equal("", s.Groups[1].Value.Trim()); // no inline code
        }
        Assert.DoesNotMatch(@"\son[a-z]+=", html); // no inline event handlers either
    }

    [Fact]
    public async Task Every_asset_the_page_names_is_served_hashed_and_immutable_and_revalidates_to_304()
    {
        var html = await NoRedirects.GetStringAsync(At("/ui/"));
        var assets = Regex.Matches(html, @"(?:src|href)=""(assets/[^""]+)""").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, assets.Count); // the script and the stylesheet
        foreach (var asset in assets)
        {
            Assert.Matches(@"^assets/main-[A-Z0-9]{8}\.(js|css)$", asset);
            using var r = await NoRedirects.GetAsync(At("/ui/" + asset));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(asset.EndsWith(".js") ? "text/javascript" : "text/css", r.Content.Headers.ContentType?.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", r.Headers.CacheControl?.ToString());
            Assert.True((await r.Content.ReadAsByteArrayAsync()).Length > 1000);

            using var again = new HttpRequestMessage(HttpMethod.Get, At("/ui/" + asset));
            again.Headers.IfNoneMatch.Add(r.Headers.ETag!);
            using var cached = await NoRedirects.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
            Assert.Empty(await cached.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Ui_without_a_slash_redirects_and_needs_no_key_while_the_api_still_does()
    {
        using var r = await NoRedirects.GetAsync(At("/ui"));
        Assert.Equal(HttpStatusCode.PermanentRedirect, r.StatusCode);
        Assert.Equal("ui/", r.Headers.Location?.OriginalString);
        // The page is public (it holds no data); everything it shows comes from the API, which wants a key.
        using var api = await NoRedirects.GetAsync(At("/global/spend/summary"));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Theory]
    [InlineData("/ui/assets/nope.js")]
    [InlineData("/ui/assets/..%2Findex.html")]
    [InlineData("/ui/assets/%2E%2E%2F%2E%2E%2Fgateway.yaml")]
    [InlineData("/ui/index.html")]
    public async Task An_unknown_file_is_an_openai_style_404(string path)
    {
        using var r = await NoRedirects.GetAsync(At(path));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var error = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Ui_false_leaves_the_console_unmapped()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraGeneral: "  ui: false"));
        foreach (var path in new[] { "/ui", "/ui/", "/ui/assets/x.js" })
        {
            using var r = await NoRedirects.GetAsync(new Uri(gw.BaseAddress, path));
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        }
        Assert.False(gw.Config.Ui);
        Assert.True(_gw.Config.Ui);
    }

    [Fact]
    public async Task A_ui_value_that_is_not_a_boolean_stops_start_up_naming_it()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => TestGateway.StartAsync(Yaml.Config(extraGeneral: "  ui: sometimes")));
        Assert.Contains("general_settings.ui", e.Message);
    }
}
