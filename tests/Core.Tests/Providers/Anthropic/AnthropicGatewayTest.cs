using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Providers.Anthropic;

/// <summary>A gateway with <c>claude</c> models backed by a loopback server speaking Anthropic's Messages API.</summary>
public abstract class AnthropicGatewayTest : UpstreamGatewayTest
{
    protected override string Config(FakeUpstream up) => Yaml.Config(up.V1, extraModels: AnthropicWire.Models(up.BaseAddress.ToString().TrimEnd('/')));

    protected static JsonElement Body(RecordedRequest r) => JsonDocument.Parse(r.Body).RootElement;

    protected Task<HttpResponseMessage> PostChatAsync(string json) =>
        Gw.Http.PostAsync("/v1/chat/completions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Sends an OpenAI request through the gateway and returns what the Anthropic upstream received.</summary>
    protected async Task<JsonElement> SentForAsync(string json)
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text("ok")));
        using var response = await PostChatAsync(json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return Body(Up.Last);
    }
}
