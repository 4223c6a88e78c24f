using System.Net;
using System.Text;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Budgets;

/// <summary>Calls for budget tests: one chat call with a key, and calling until the budget refuses.</summary>
internal static class BudgetCalls
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static Task<HttpResponseMessage> CallAsync(this TestGateway gw, string key, string model, string extra = "", string path = "/v1/chat/completions")
    {
        var body = path == "/v1/messages"
            ? $$"""{"model":"{{model}}","max_tokens":100,"messages":[{"role":"user","content":"hi"}]{{extra}}}"""
            : $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]{{extra}}}""";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gw.BaseAddress, path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", key);
        return Http.SendAsync(request);
    }

    /// <summary>Calls until one is refused (at most 200), checks the refusal is budget_exceeded, and returns how many were served.</summary>
    public static async Task<int> CallUntilRefusedAsync(this TestGateway gw, Func<int, string> keyOf, string model, string extra = "")
    {
        for (var i = 0; i < 200; i++)
        {
            using var r = await gw.CallAsync(keyOf(i), model, extra);
            if (r.StatusCode == HttpStatusCode.OK) continue;
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(r)).GetProperty("type").GetString());
            return i;
        }
        Assert.Fail("the budget never refused a call");
        return -1;
    }
}
