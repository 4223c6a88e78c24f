using Gateway.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Responses.Storage;

/// <summary>
/// Keeps answered responses (<c>store</c>, the default) and finds them again for their owner only. A response another key
/// made reads as not found, exactly like one that never existed, so ids cannot be probed. A conversation past
/// <see cref="StoredResponseSettings.MaxBytes"/> (or what the store's entry can hold) is not kept (the call still succeeds; the log says why).
/// </summary>
public sealed partial class ResponseKeeper(IStoredResponses store, StoredResponseSettings settings, TimeProvider time, ILogger<ResponseKeeper> log)
{
    public async Task<StoredResponse> FindAsync(string id, ResponseOwner owner, string? param, CancellationToken ct)
    {
        var found = await store.GetAsync(id, time.GetUtcNow(), ct);
        if (found is null || !owner.CanSee(found)) throw NotFound(id, param);
        return found;
    }

    /// <summary>Deletes a response <see cref="FindAsync"/> found for its owner.</summary>
    public async Task DeleteAsync(StoredResponse found, CancellationToken ct) => await store.DeleteAsync(found.Id, ct);

    internal async Task KeepAsync(ResponsesRequest request, ResponseOwner owner, Answer answer, IReadOnlyList<System.Text.Json.JsonElement> history, CancellationToken ct)
    {
        if (!request.Store || answer.Id is not { Length: > 0 } id) return;
        var document = answer.NativeDeployment is null ? ResponseDocument.Write(answer.Body, request.Root, id, history, answer.Items) : [];
        var limit = Math.Min(settings.MaxBytes, store.MaxDocumentBytes);
        if (document.Length > limit)
        {
            LogTooLarge(log, id, document.Length, limit);
            return;
        }
        var now = time.GetUtcNow();
        await store.PutAsync(new StoredResponse(id, owner.Owner, owner.Team, answer.NativeDeployment, document, now, now + settings.Ttl), ct);
    }

    public static GatewayException NotFound(string id, string? param) =>
        new(404, Errors.InvalidRequest, $"Response with id '{id}' not found.", "response_not_found", param);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Response {Id} was not kept: its conversation is {Bytes} bytes, over the {Limit}-byte limit")]
    private static partial void LogTooLarge(ILogger log, string id, int bytes, int limit);
}
