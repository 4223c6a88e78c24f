using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Budgets;

/// <summary>
/// <c>budget_enforcement: cap</c> (the default) on the embedded store: a call whose worst case does not fit what is left
/// is lowered to what the budget can pay for, says so, and is never refused while one output token fits; its input
/// alone over the budget is refused up front; under 50 concurrent callers the budget stops at its limit, never above,
/// and serves more calls than <c>reserve</c> on the same load.
/// </summary>
public sealed class CapModeTests : BudgetGatewayTest
{
    /// <summary>What a body's worst-case input costs, as admission estimates it (a third of its bytes, in tokens).</summary>
    private static decimal InputCost(string body) => (Encoding.UTF8.GetByteCount(body) + 2) / 3 * 0.000001m;

    private static string Body(string model, string extra = "") => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]{{extra}}}""";

    [Fact]
    public async Task A_call_whose_worst_case_does_not_fit_is_lowered_to_what_is_left_and_says_so()
    {
        var key = await Gw.GenerateAsync("""{"max_budget":0.01}""");
        var body = Body("capped", ",\"max_tokens\":100");
        using var r = await SendAsync(key, body);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var expected = (int)decimal.Floor((0.01m - InputCost(body)) / BudgetUpstream.OutputPrice);
        Assert.Equal(expected.ToString(), r.Headers.GetValues("x-gateway-max-tokens-capped").Single());
        Assert.Equal(expected, BudgetUpstream.CapOf(Up.Honest.Last));
        var events = await Gw.SpendEventsAsync(key, 1);
        Assert.Equal(expected, events.Single().GetProperty("max_tokens_capped").GetInt32());

        // A call that fits is not lowered: no header, the client's own cap upstream, no capped field.
        var roomy = await Gw.GenerateAsync("""{"max_budget":1}""");
        using var fits = await SendAsync(roomy, body);
        Assert.False(fits.Headers.Contains("x-gateway-max-tokens-capped"));
        Assert.Equal(100, BudgetUpstream.CapOf(Up.Honest.Last));
        Assert.False((await Gw.SpendEventsAsync(roomy, 1)).Single().TryGetProperty("max_tokens_capped", out _));
    }

    [Fact]
    public async Task Without_a_client_cap_the_lowered_cap_is_added_in_the_field_the_model_takes()
    {
        var key = await Gw.GenerateAsync("""{"max_budget":0.01}""");
        using (var chat = await SendAsync(key, Body("capped"))) Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        var sent = JsonDocument.Parse(Up.Honest.Last.Body).RootElement;
        Assert.True(sent.TryGetProperty("max_tokens", out _));
        Assert.False(sent.TryGetProperty("max_completion_tokens", out _));

        // OpenAI's reasoning models refuse max_tokens: the cap goes in max_completion_tokens.
        using (var reasoning = await SendAsync(key, Body("reasoning"))) Assert.Equal(HttpStatusCode.OK, reasoning.StatusCode);
        sent = JsonDocument.Parse(Up.Honest.Last.Body).RootElement;
        Assert.False(sent.TryGetProperty("max_tokens", out _));
        Assert.True(sent.GetProperty("max_completion_tokens").GetInt32() is > 0 and < 10);
    }

    [Fact]
    public async Task Both_output_caps_are_lowered_so_no_adapter_reads_the_larger()
    {
        var key = await Gw.GenerateAsync("""{"max_budget":0.01}""");
        using var r = await SendAsync(key, Body("capped", ",\"max_completion_tokens\":90,\"max_tokens\":100000"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var cap = int.Parse(r.Headers.GetValues("x-gateway-max-tokens-capped").Single());
        var sent = JsonDocument.Parse(Up.Honest.Last.Body).RootElement;
        Assert.Equal(cap, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal(cap, sent.GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_call_whose_input_alone_exceeds_what_is_left_is_refused_up_front()
    {
        // Mirrors LiteLLM's over-budget key tests (tests/test_keys.py test_key_crossing_budget refuses the call after the
        // crossing one); in cap mode a call that could not pay for even one output token never reaches the upstream.
        var key = await Gw.GenerateAsync("""{"max_budget":0.004}""");
        var body = Body("capped").Replace("\"hi\"", JsonSerializer.Serialize(new string('x', 15000)));
        Assert.True(InputCost(body) > 0.004m);
        using var r = await SendAsync(key, body);

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(r)).GetProperty("type").GetString());
        Assert.Empty(Up.Honest.Requests);
        var info = await Gw.InfoAsync(key);
        Assert.Equal(0m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());

        // A short prompt still fits: capped to what is left, and served.
        using var small = await SendAsync(key, Body("capped"));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task Fifty_callers_stop_at_the_budget_never_above_and_cap_serves_more_calls_than_reserve()
    {
        var capKey = await Gw.GenerateAsync("""{"max_budget":0.5}""");
        var reserveKey = await Gw.GenerateAsync("""{"max_budget":0.5,"budget_enforcement":"reserve"}""");

        var capped = await LoadAsync(capKey);
        var reserved = await LoadAsync(reserveKey);

        // Worst case $0.10 a call (100 output tokens) while each uses 5: reserve stops once $0.10 no longer fits, cap
        // goes on lowering the cap until not one output token fits.
        Assert.True(capped.Served > reserved.Served, $"cap served {capped.Served}, reserve {reserved.Served}");
        Assert.True(capped.Spend <= 0.5m && capped.Spend > 0.5m - 0.0011m, $"cap spent {capped.Spend}");
        Assert.True(reserved.Spend <= 0.5m, $"reserve spent {reserved.Spend}");
        Assert.True(capped.Capped > 0);
        Assert.Equal(0, reserved.Capped);
        foreach (var key in new[] { capKey, reserveKey })
        {
            var info = await Gw.InfoAsync(key);
            Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
            Assert.Equal(0, info.GetProperty("parallel_requests").GetInt64());
        }
    }

    private sealed record LoadResult(int Served, int Capped, decimal Spend);

    /// <summary>
    /// Fifty callers at once, each calling until it is refused; then one caller until it is refused (so what the
    /// concurrent phase left reserved-then-unused is spent too). Every refusal must be budget_exceeded, and the key's
    /// spend must be exactly the sum of the costs its calls were answered with.
    /// </summary>
    private async Task<LoadResult> LoadAsync(string key)
    {
        var served = 0;
        var cappedCalls = 0;
        var costs = 0m;
        var gate = new object();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(120) };
        async Task CallerAsync()
        {
            for (var i = 0; i < 500; i++)
            {
                using var r = await SendAsync(key, Body("capped"), http);
                if (r.StatusCode != HttpStatusCode.OK)
                {
                    Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
                    Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(r)).GetProperty("type").GetString());
                    return;
                }
                var cost = decimal.Parse(r.Headers.GetValues("x-gateway-response-cost").Single(), System.Globalization.CultureInfo.InvariantCulture);
                lock (gate)
                {
                    served++;
                    costs += cost;
                    if (r.Headers.Contains("x-gateway-max-tokens-capped")) cappedCalls++;
                }
            }
            Assert.Fail("the budget never stopped a caller");
        }
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(CallerAsync)));
        await CallerAsync();
        var spend = (await Gw.InfoAsync(key)).GetProperty("spend").GetDecimal();
        Assert.Equal(costs, spend);
        return new LoadResult(served, cappedCalls, spend);
    }

    private Task<HttpResponseMessage> SendAsync(string key, string body, HttpClient? http = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Gw.BaseAddress, "/v1/chat/completions"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        return (http ?? Shared).SendAsync(request);
    }

    private static readonly HttpClient Shared = new() { Timeout = TimeSpan.FromSeconds(60) };
}
