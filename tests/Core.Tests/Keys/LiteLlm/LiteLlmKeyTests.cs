using System.Net;
using Gateway.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Keys.LiteLlm;

/// <summary>
/// The key subset of LiteLLM's proxy end-to-end tests (BerriAI/litellm <c>tests/test_keys.py</c>), written anew against
/// our gateway with its models: each test names the LiteLLM test whose behaviour it checks.
/// </summary>
public sealed class LiteLlmKeyTests : IAsyncLifetime
{
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath(), TestClock.TenSecondsIntoAMinute());
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    /// <summary>A body in the shape test_keys.py's <c>generate_key</c> sends.</summary>
    private static string GenerateBody(string models = """["priced","gpt-4","dall-e-3"]""") =>
        $$"""{"models":{{models}},"aliases":{"mistral-7b":"priced"},"duration":null,"max_budget":null,"budget_duration":null}""";

    [Fact] // test_key_gen: ten /key/generate calls in parallel all succeed
    public async Task Ten_keys_generated_in_parallel_are_distinct_and_keep_their_aliases()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _gw.PostAsync("/key/generate", GenerateBody())));
        Assert.Equal(10, answers.Select(a => a.GetProperty("key").GetString()).Distinct().Count());
        Assert.All(answers, a =>
        {
            Assert.Equal("priced", a.GetProperty("aliases").GetProperty("mistral-7b").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, a.GetProperty("expires").ValueKind);
        });
        // The alias works as a model name.
        using var r = await _gw.ChatAsync(answers[0].GetProperty("key").GetString()!, model: "mistral-7b");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact] // test_key_update: change a key's models, then call with it
    public async Task Updating_a_keys_models_takes_effect_on_its_next_call()
    {
        var key = (await _gw.PostAsync("/key/generate", GenerateBody("""["other"]"""))).GetProperty("key").GetString()!;
        using (var before = await _gw.ChatAsync(key, model: "priced")) Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        var updated = await _gw.PostAsync("/key/update", $$"""{"key":"{{key}}","models":["priced"]}""");
        Assert.Equal(["priced"], updated.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        using (var after = await _gw.ChatAsync(key, model: "priced")) Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        using (var other = await _gw.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact] // test_key_delete
    public async Task A_deleted_key_is_gone_from_info_and_calls()
    {
        var key = await _gw.GenerateAsync(GenerateBody());
        var deleted = await _gw.PostAsync("/key/delete", $$"""{"keys":["{{key}}"]}""");
        Assert.Equal(KeySecrets.Hash(key), deleted.GetProperty("deleted_keys")[0].GetString());
        await _gw.GetJsonAsync("/key/info?key=" + key, 404);
        using var r = await _gw.ChatAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Fact] // test_key_info: as admin 200, as the key itself 200 (with and without ?key=), as a random key 403
    public async Task Key_info_answers_the_admin_and_the_key_itself_and_refuses_other_keys()
    {
        var key = await _gw.GenerateAsync(GenerateBody());
        var hash = KeySecrets.Hash(key);
        Assert.Equal(hash, (await _gw.GetJsonAsync("/key/info?key=" + key)).GetProperty("key").GetString());

        var (status, self) = await _gw.AsKeyAsync(key, HttpMethod.Get, "/key/info?key=" + key);
        Assert.Equal(200, status);
        Assert.Equal(hash, self.GetProperty("key").GetString());
        (status, self) = await _gw.AsKeyAsync(key, HttpMethod.Get, "/key/info");
        Assert.Equal(200, status);
        Assert.Equal(hash, self.GetProperty("info").GetProperty("token").GetString());
        (status, _) = await _gw.AsKeyAsync(key, HttpMethod.Get, "/key/info?key=" + hash);
        Assert.Equal(200, status);

        var random = await _gw.GenerateAsync(GenerateBody());
        foreach (var named in new[] { key, hash })
        {
            var (refused, error) = await _gw.AsKeyAsync(random, HttpMethod.Get, "/key/info?key=" + named);
            Assert.Equal(403, refused);
            Assert.Equal("permission_error", error.GetProperty("error").GetProperty("type").GetString());
            Assert.DoesNotContain(hash, error.ToString());
        }
    }

    [Fact] // test_key_info_spend_values: the spend a key reads about itself is what its call cost
    public async Task The_spend_a_key_reads_about_itself_is_the_cost_of_its_call()
    {
        var key = await _gw.GenerateAsync(GenerateBody());
        using var r = await _gw.ChatAsync(key, extra: ",\"max_tokens\":7");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var cost = decimal.Parse(r.Headers.GetValues("x-gateway-response-cost").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(cost > 0);
        var (_, self) = await _gw.AsKeyAsync(key, HttpMethod.Get, "/key/info");
        Assert.Equal(cost, self.GetProperty("info").GetProperty("spend").GetDecimal());
    }

    [Fact] // test_key_with_budgets: budget_reset_at is reported and moves when the window does
    public async Task Budget_reset_at_moves_with_the_budget_window()
    {
        var clock = TestClock.TenSecondsIntoAMinute();
        await using var gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath(), clock);
        var key = await gw.GenerateAsync("""{"max_budget":10,"budget_duration":"5s"}""");
        var first = (await gw.InfoAsync(key)).GetProperty("budget_reset_at").GetString();
        clock.Advance(TimeSpan.FromSeconds(5));
        var second = (await gw.InfoAsync(key)).GetProperty("budget_reset_at").GetString();
        Assert.NotNull(first);
        Assert.NotEqual(first, second);
    }
}
