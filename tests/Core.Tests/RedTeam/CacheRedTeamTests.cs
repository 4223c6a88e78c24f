using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.RedTeam;

/// <summary>
/// The response cache under attack, with the cache scoped per key: a crafted <c>cache</c> object never gets past a
/// key's <c>allowed_cache_controls</c> (and costs no rate-limit slot), a model the key may not use is never answered
/// from the cache however its answer got there, and no body lets one key read another key's cached answer.
/// </summary>
public sealed class CacheRedTeamTests : IAsyncLifetime
{
    private FakeUpstream _allowedUp = null!;
    private FakeUpstream _forbiddenUp = null!;
    private TestGateway _gw = null!;
    private int _answers;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _allowedUp = await FakeUpstream.StartAsync((ctx, r) => r.PathAndQuery.Contains("embeddings")
            ? OpenAIWire.WriteJsonAsync(ctx, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}""")
            : OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion($"private answer {Interlocked.Increment(ref _answers)}", prompt: 5, completion: 2)));
        _forbiddenUp = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("forbidden answer", prompt: 5, completion: 2)));
        var models = $"""
              - model_name: {CraftedBodies.Allowed}
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {_allowedUp.V1}
                  api_key: sk-upstream-allowed
                model_info:
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.001
                  max_output_tokens: 100
              - model_name: {CraftedBodies.Forbidden}
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {_forbiddenUp.V1}
                  api_key: sk-upstream-forbidden
            """;
        // A clock that stands still: the rpm check below stays inside one minute window.
        _gw = await TestGateway.StartAsync(Yaml.Config(extraModels: models) + "\nlitellm_settings:\n  cache: true\n  cache_params:\n    cache_scope: key\n",
            new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() }, TestClock.Use(TestClock.TenSecondsIntoAMinute()));
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _allowedUp.DisposeAsync();
        await _forbiddenUp.DisposeAsync();
    }

    [Fact]
    public async Task No_crafted_cache_object_gets_past_allowed_cache_controls_or_uses_a_slot()
    {
        var key = await _gw.GenerateAsync($$"""{"models":["{{CraftedBodies.Allowed}}"],"rpm_limit":2,"allowed_cache_controls":["no-cache"]}""");
        var corpus = CraftedBodies.CacheControlBypasses().ToList();
        var failures = new List<string>();
        foreach (var crafted in corpus)
        {
            var (status, body) = await SendAsync(crafted, key);
            if (status is < 400 or >= 500) failures.Add($"{crafted.Name}: HTTP {status}: {body}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} crafted cache objects got through:\n" + string.Join("\n", failures));
        Assert.Empty(_allowedUp.Requests);
        Assert.Empty(_forbiddenUp.Requests);

        // The allowed control works, and the refusals used none of the key's 2 requests per minute.
        using (var first = await _gw.ChatAsync(key, CraftedBodies.Allowed, ",\"cache\":{\"no-cache\":true}")) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await _gw.ChatAsync(key, CraftedBodies.Allowed)) Assert.Equal("true", second.Headers.GetValues("x-gateway-cache-hit").Single());
        using (var third = await _gw.ChatAsync(key, CraftedBodies.Allowed)) Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }

    [Fact]
    public async Task A_team_list_binds_its_keys_too_and_an_empty_list_allows_no_control()
    {
        await _gw.PostAsync("/team/new", """{"team_id":"strict","allowed_cache_controls":[]}""");
        var key = await _gw.GenerateAsync("""{"team_id":"strict"}""");
        using var r = await _gw.ChatAsync(key, CraftedBodies.Allowed, ",\"cache\":{\"no-cache\":true}");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var error = await KeyGateway.ErrorOf(r);
        Assert.Equal("cache_control_not_allowed", error.GetProperty("code").GetString());
        Assert.Equal("cache.no-cache", error.GetProperty("param").GetString());
        await _gw.PostAsync("/key/generate", """{"allowed_cache_controls":["no-cache","forever"]}""", 400);
    }

    [Fact]
    public async Task A_model_the_key_may_not_use_is_never_answered_from_the_cache()
    {
        // The master key (scope "(master)") and a key allowed everything each put the forbidden model's answer in the cache.
        var wide = await _gw.GenerateAsync();
        var narrow = await _gw.GenerateAsync($$$"""{"models":["{{{CraftedBodies.Allowed}}}"],"aliases":{"sneaky":"{{{CraftedBodies.Forbidden}}}"}}""");
        foreach (var primer in new[] { _gw.MasterKey!, wide, narrow })
            using (await _gw.ChatAsync(primer, CraftedBodies.Forbidden)) { }
        var primed = _forbiddenUp.Requests.Count;
        Assert.Equal(2, primed); // the narrow key was refused before it could prime anything

        foreach (var model in new[] { CraftedBodies.Forbidden, "sneaky", "forb\\u0069dden" })
        {
            using var r = await _gw.ChatAsync(narrow, model);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.DoesNotContain("forbidden answer", await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(primed, _forbiddenUp.Requests.Count);
    }

    [Fact]
    public async Task No_body_lets_a_key_read_another_keys_cached_answer()
    {
        var alice = await _gw.GenerateAsync("""{"key_alias":"alice"}""");
        var mallory = await _gw.GenerateAsync("""{"key_alias":"mallory"}""");
        using (var primed = await _gw.ChatAsync(alice, CraftedBodies.Allowed)) Assert.Contains("private answer 1", await primed.Content.ReadAsStringAsync());
        var aliceHash = Gateway.Keys.KeySecrets.Hash(alice);
        foreach (var extra in new[]
        {
            "", ",\"user\":\"alice\"", $",\"metadata\":{{\"api_key\":\"{aliceHash}\"}}", $",\"cache\":{{\"namespace\":\"key:{aliceHash}\"}}",
            ",\"cache\":{\"use-cache\":true}", ",\"cache\":{\"s-maxage\":3600}", $",\"cache\":{{\"namespace\":\"{aliceHash}\"}}",
        })
        {
            using var r = await _gw.ChatAsync(mallory, CraftedBodies.Allowed, extra);
            var body = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.DoesNotContain("private answer 1", body); // mallory may be served mallory's own earlier answer, never alice's
        }
        Assert.Equal(4, _allowedUp.Requests.Count); // alice's, then mallory's: plain, and once in each of the two namespaces
        using (var again = await _gw.ChatAsync(alice, CraftedBodies.Allowed)) Assert.Contains("private answer 1", await again.Content.ReadAsStringAsync());
    }

    private async Task<(int Status, string Body)> SendAsync(CraftedBodies.Crafted crafted, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gw.BaseAddress, crafted.Path)) { Content = new ByteArrayContent(crafted.Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", key);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
