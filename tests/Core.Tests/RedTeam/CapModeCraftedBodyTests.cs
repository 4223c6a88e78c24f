using System.Net;
using System.Text.Json;
using Gateway.Tests.Budgets;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.RedTeam;

/// <summary>
/// The cap-mode corpus (<see cref="CraftedBodies.AgainstCap"/>) with a $0.05 key per body on a model whose upstream ignores
/// <c>max_tokens</c> and reports the 400 tokens it really wrote: the key never books past its budget, nothing stays
/// reserved, no body gets a 5xx, and no upstream request carries two caps that disagree or a cap above what was reserved.
/// </summary>
public sealed class CapModeCraftedBodyTests : IAsyncLifetime
{
    private BudgetUpstream _up = null!;
    private TestGateway _gw = null!;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _up = await BudgetUpstream.StartAsync();
        _gw = await _up.GatewayAsync();
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _up.DisposeAsync();
    }

    [Fact]
    public async Task No_crafted_body_books_past_the_budget_or_sends_a_larger_cap_than_it_reserved()
    {
        var failures = new List<string>();
        var served = 0;
        foreach (var crafted in CraftedBodies.AgainstCap("ignoring"))
        {
            // Each body against its own $0.05 key, so every one meets a budget its worst case does not fit.
            var key = await _gw.GenerateAsync("""{"models":["ignoring"],"max_budget":0.05}""");
            var before = _up.Ignoring.Requests.Count;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gw.BaseAddress, crafted.Path)) { Content = new ByteArrayContent(crafted.Body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Authorization = new("Bearer", key);
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status >= 500) failures.Add($"{crafted.Name}: HTTP {status}: {body}");
            if (_up.Ignoring.Requests.Count == before) continue;
            served++;
            var sent = JsonDocument.Parse(_up.Ignoring.Requests[^1].Body).RootElement;
            var caps = new[] { "max_tokens", "max_completion_tokens" }
                .Select(f => sent.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : (long?)null).Where(v => v is not null).ToList();
            if (caps.Count == 0) failures.Add($"{crafted.Name}: the upstream got no output cap");
            else if (caps.Distinct().Count() > 1) failures.Add($"{crafted.Name}: the upstream got two caps that disagree: {string.Join(", ", caps)}");
            if (response.Headers.TryGetValues("x-gateway-max-tokens-capped", out var capped) && caps.Any(c => c > long.Parse(capped.Single())))
                failures.Add($"{crafted.Name}: the upstream got a cap above the {capped.Single()} the budget paid for");
            var info = await _gw.InfoAsync(key);
            if (info.GetProperty("spend").GetDecimal() > 0.05m) failures.Add($"{crafted.Name}: spend {info.GetProperty("spend")} is past the budget");
            if (info.GetProperty("reserved_spend").GetDecimal() != 0m) failures.Add($"{crafted.Name}: {info.GetProperty("reserved_spend")} left reserved");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(served >= 10, $"only {served} bodies reached the upstream");
    }
}
