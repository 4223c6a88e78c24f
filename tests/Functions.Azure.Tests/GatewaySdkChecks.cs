using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Functions.Azure.Tests;

/// <summary>What every started gateway must do for an OpenAI SDK user with the shipped config: answer the mock, streamed and not.</summary>
public static class GatewaySdkChecks
{
    public static OpenAIClient Client(Uri baseAddress, string key = "sk-local") => new(new ApiKeyCredential(key), new OpenAIClientOptions
    {
        Endpoint = new Uri(baseAddress, "/v1"),
        RetryPolicy = new ClientRetryPolicy(0),
    });

    public static async Task MockAnswersAsync(Uri baseAddress, string key = "sk-local")
    {
        var chat = Client(baseAddress, key).GetChatClient("mock");
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hello")]);
        Assert.Equal("This is a mock response from mock-1.", completion.Content[0].Text);

        var streamed = "";
        var chunks = 0;
        ChatTokenUsage? usage = null;
        await foreach (var u in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello")]))
        {
            chunks++;
            streamed += string.Concat(u.ContentUpdate.Select(p => p.Text));
            usage ??= u.Usage;
        }
        Assert.Equal("This is a mock response from mock-1.", streamed);
        Assert.True(chunks > 3);
        Assert.NotNull(usage);

        var embedding = await Client(baseAddress, key).GetEmbeddingClient("mock-embedding").GenerateEmbeddingAsync("hello");
        Assert.Equal(256, embedding.Value.ToFloats().Length);
    }
}
