using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Providers.Gemini;

/// <summary>A gateway with a <c>gemini</c> model backed by a loopback server speaking the Gemini API.</summary>
public abstract class GeminiGatewayTest : UpstreamGatewayTest
{
    protected override string Config(FakeUpstream up) => Yaml.Config(up.V1, extraModels: GeminiWire.Models(up.BaseAddress.ToString().TrimEnd('/')));

    protected static JsonElement Body(RecordedRequest r) => JsonDocument.Parse(r.Body).RootElement;

    protected Task<HttpResponseMessage> PostChatAsync(string json) =>
        Gw.Http.PostAsync("/v1/chat/completions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    protected async Task<JsonElement> SentForAsync(string json)
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Text("ok"), usage: GeminiWire.Usage(5, 1)));
        using var response = await PostChatAsync(json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return Body(Up.Last);
    }

    protected static JsonElement Choice(string completion) => JsonDocument.Parse(completion).RootElement.GetProperty("choices")[0];
}
