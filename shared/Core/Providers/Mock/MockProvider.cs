using System.Security.Cryptography;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Embeddings;

namespace Gateway.Providers.Mock;

/// <summary>
/// The offline provider (<c>mock/...</c>): deterministic answers, streamed when asked, with no network.
/// A request's <c>mock_response</c> (or the deployment's) sets the text, or names a LiteLLM error to raise.
/// </summary>
public sealed class MockProvider(DeploymentConfig deployment, TimeProvider time) : IChatProvider, IEmbeddingsProvider
{
    public Task<UpstreamResult> CompleteAsync(ChatCall call, CancellationToken ct)
    {
        var answer = Answer(call);
        var body = MockChatWriter.Completion(answer, NewId(), time.GetUtcNow().ToUnixTimeSeconds());
        return Task.FromResult(new UpstreamResult(body, answer.Usage));
    }

    public Task<ChatStream> StreamAsync(ChatCall call, CancellationToken ct)
    {
        var answer = Answer(call);
        var chunks = MockChatWriter.Chunks(answer, NewId(), time.GetUtcNow().ToUnixTimeSeconds());
        return Task.FromResult<ChatStream>(new ListChatStream(chunks));
    }

    public Task<UpstreamResult> EmbedAsync(EmbeddingsCall call, CancellationToken ct)
    {
        var (body, usage) = MockEmbeddings.Write(call.Request, deployment.UpstreamModel);
        return Task.FromResult(new UpstreamResult(body, usage));
    }

    private MockAnswer Answer(ChatCall call)
    {
        var text = call.Request.MockResponse ?? deployment.MockResponse;
        if (text is not null && MockErrors.For(text) is { } error) throw error;
        return MockAnswer.For(call.Request, deployment.UpstreamModel, deployment.MockResponse);
    }

    private static string NewId() => "chatcmpl-mock" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}

/// <summary>A stream over chunks that are already in memory.</summary>
internal sealed class ListChatStream(IReadOnlyList<byte[]> chunks) : ChatStream
{
    private int _next;

    public override ReadOnlyMemory<byte> Current => chunks[_next - 1];

    public override ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (_next >= chunks.Count) return ValueTask.FromResult(false);
        _next++;
        return ValueTask.FromResult(true);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
