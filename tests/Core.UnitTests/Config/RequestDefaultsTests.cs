using System.Text;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Pipeline;

namespace Gateway.Tests.Config;

/// <summary>OpenAI params in <c>litellm_params</c> are defaults the client's own values override; dropped fields never go upstream.</summary>
public sealed class RequestDefaultsTests
{
    private static RequestDefaults Defaults(string litellmParams)
    {
        var config = ConfigText.Parse($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: mock/m
            {litellmParams}
            """);
        Assert.Empty(config.Warnings);
        return RequestDefaults.For(config.Deployments[0]);
    }

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement;

    private static JsonElement Apply(RequestDefaults d, string json, CallKind kind = CallKind.ChatCompletion) =>
        JsonDocument.Parse(d.Apply(Body(json), kind) ?? Encoding.UTF8.GetBytes(json)).RootElement;

    [Fact]
    public void Missing_params_are_added_and_the_clients_win()
    {
        var d = Defaults("""
                  temperature: 0.2
                  max_tokens: 256
                  stop: ["\n\n"]
                  response_format: { type: json_object }
                  seed: 7
            """);

        var merged = Apply(d, """{"model":"m","messages":[],"temperature":1.5}""");
        Assert.Equal(1.5, merged.GetProperty("temperature").GetDouble());
        Assert.Equal(256, merged.GetProperty("max_tokens").GetInt32());
        Assert.Equal("\n\n", merged.GetProperty("stop")[0].GetString());
        Assert.Equal("json_object", merged.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal(7, merged.GetProperty("seed").GetInt32());
    }

    [Fact]
    public void A_clients_max_completion_tokens_keeps_the_default_max_tokens_out()
    {
        var d = Defaults("      max_tokens: 256");

        var merged = Apply(d, """{"model":"m","messages":[],"max_completion_tokens":10}""");
        Assert.False(merged.TryGetProperty("max_tokens", out _));
        Assert.Null(d.Apply(Body("""{"model":"m","max_tokens":null}"""), CallKind.ChatCompletion)); // an explicit null is the client's choice
    }

    [Fact]
    public void The_parsed_request_sees_the_default_as_its_output_cap()
    {
        var d = Defaults("      max_tokens: 64");
        var merged = d.Apply(Body("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""), CallKind.ChatCompletion)!;

        using var request = ChatRequest.Parse(merged);
        Assert.Equal(64, request.MaxOutputTokens);
    }

    [Fact]
    public void Embedding_defaults_reach_embeddings_only()
    {
        var d = Defaults("""
                  dimensions: 256
                  temperature: 0.1
            """);

        var embedding = Apply(d, """{"model":"m","input":"x"}""", CallKind.Embedding);
        Assert.Equal(256, embedding.GetProperty("dimensions").GetInt32());
        Assert.False(embedding.TryGetProperty("temperature", out _));
        var chat = Apply(d, """{"model":"m","messages":[]}""");
        Assert.False(chat.TryGetProperty("dimensions", out _));
        Assert.Null(d.Apply(Body("""{"model":"m"}"""), CallKind.AnthropicMessages));
    }

    [Fact]
    public void Additional_drop_params_remove_the_clients_fields_too()
    {
        var d = Defaults("""
                  additional_drop_params: [logit_bias, user]
                  temperature: 0.3
            """);

        var merged = Apply(d, """{"model":"m","messages":[],"logit_bias":{"1":2},"user":"u1","top_p":0.5}""");
        Assert.False(merged.TryGetProperty("logit_bias", out _));
        Assert.False(merged.TryGetProperty("user", out _));
        Assert.Equal(0.5, merged.GetProperty("top_p").GetDouble());
        Assert.Equal(0.3, merged.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void A_request_needing_nothing_is_left_as_parsed()
    {
        Assert.Null(RequestDefaults.None.Apply(Body("""{"model":"m"}"""), CallKind.ChatCompletion));
        Assert.Null(Defaults("      temperature: 0").Apply(Body("""{"model":"m","temperature":1}"""), CallKind.ChatCompletion));
    }

    [Theory]
    [InlineData("temperature: 5", "litellm_params.temperature: not a valid default")]
    [InlineData("max_tokens: 0", "litellm_params.max_tokens: not a valid default")]
    [InlineData("response_format: { type: yaml }", "litellm_params.response_format.type: not a valid default")]
    [InlineData("dimensions: -1", "litellm_params.dimensions: not a valid default")]
    [InlineData("additional_drop_params: [messages]", "'messages' cannot be dropped")]
    [InlineData("additional_drop_params: drop-all", "must be a list of request field names")]
    public void Bad_defaults_fail_the_config_naming_the_field(string line, string expected)
    {
        var problem = ConfigText.SingleProblem($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: mock/m
                  {line}
            """);

        Assert.Contains(expected, problem);
        Assert.StartsWith("line 5: ", problem);
    }

    [Fact]
    public void Deployments_of_one_name_must_agree_on_their_defaults()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/a, temperature: 0.2 }
              - model_name: m
                litellm_params: { model: mock/b, temperature: 0.7 }
              - model_name: other
                litellm_params: { model: mock/c, temperature: 0.7 }
            """);

        Assert.Equal("model_list[1] ('m').litellm_params: its default request params (temperature: 0.7) differ from model_list[0] ('m')'s (temperature: 0.2); " +
                     "the gateway applies them per model_name before routing, so give every deployment of the name the same ones", problem);
    }

    [Fact]
    public void Defaults_may_come_from_the_environment_typed_as_yaml_reads_them()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m, max_tokens: os.environ/MAX_OUT }
            """, new() { ["MAX_OUT"] = "512" });

        Assert.Equal("512", config.Deployments[0].DefaultParams["max_tokens"]!.ToJsonString());
    }
}
