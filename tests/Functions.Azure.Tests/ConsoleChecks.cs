using System.Net;
using System.Text.RegularExpressions;

namespace Gateway.Functions.Azure.Tests;

/// <summary>The admin console is served by the host as built: its page and the script the page names, with no npm step.</summary>
internal static class ConsoleChecks
{
    public static async Task ServedAsync(Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        using var page = await http.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        var script = Regex.Match(await page.Content.ReadAsStringAsync(), @"src=""(assets/main-[A-Z0-9]+\.js)""").Groups[1].Value;
        Assert.NotEqual("", script);
        using var js = await http.GetAsync("/ui/" + script);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.True((await js.Content.ReadAsByteArrayAsync()).Length > 10_000);
    }
}
