using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Providers;
using Gateway.Responses.Storage;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Responses;

/// <summary>
/// <c>POST /v1/responses</c>: OpenAI's Responses API in front of any model, as one more call kind of the pipeline.
/// OpenAI-native deployments (<see cref="NativeRoute"/>) get the body spliced as the client wrote it; every other deployment
/// gets it bridged to chat, and its answer (or stream) turned into a <c>response</c> (or the Responses events).
/// A kept response (<c>store</c>) and <c>previous_response_id</c> are visible only to the key, or team, that made it.
/// </summary>
public sealed class ResponsesEndpoint(CallPipeline pipeline, ResponseKeeper keeper, TimeProvider time)
{
    public Task HandleAsync(HttpContext ctx)
    {
        // previous_response_id is looked up with the access checks, before admission: a response this caller may not see
        // is refused as not found without using a rate-limit slot or booking anything.
        StoredResponse? previous = null;
        return pipeline.RunAsync(ctx, CallKind.Responses, ResponsesRequest.Parse, (c, call, request) => AnswerAsync(c, call, request, previous),
            async (request, caller, ct) =>
            {
                if (request.PreviousResponseId is not { } id) return;
                previous = await keeper.FindAsync(id, ResponseOwner.Of(caller), "previous_response_id", ct);
                request.PinnedDeployment = previous.Deployment; // a native response is continued where it lives

            });
    }

    private async Task AnswerAsync(HttpContext ctx, ModelCall call, ResponsesRequest request, StoredResponse? previous)
    {
        var ct = ctx.RequestAborted;
        var owner = ResponseOwner.Of(call.Caller);
        using var conversation = previous is { IsNative: false } ? JsonDocument.Parse(previous.Document) : null;
        IReadOnlyList<JsonElement> history = conversation is null ? [] : [.. ResponseDocument.Part(conversation, "conversation").EnumerateArray()];
        var header = new ResponseHeader("resp_" + call.Timing.RequestId.Replace("-", "", StringComparison.Ordinal), time.GetUtcNow().ToUnixTimeSeconds(),
            request.Model, request.Root, request.Store);

        if (!request.Stream)
        {
            var answer = await call.RouteAsync(d => SendAsync(d, call, request, previous, history, header, ct), ct);
            call.Answered(answer.Body);
            await call.CompleteAsync(answer.Usage);
            await keeper.KeepAsync(request, owner, answer, history, ct);
            await JsonResponse.WriteAsync(ctx, answer.Body, call.Timing);
            return;
        }

        await using var events = await call.RouteAsync(d => OpenStreamAsync(d, call, request, previous, history, header, ct), ct);
        call.Progress.Accept();
        var outcome = await ResponsesRelay.RelayAsync(ctx, events, call.Timing, async () =>
        {
            await call.CompleteAsync(events.Usage);
            await keeper.KeepAsync(request, owner, Answer.From(events, header, call.Route!.Trace.Served), history, ct);
        });
        if (!outcome.Completed) await call.FailAsync(outcome.Error ?? Errors.ClientClosed(), events.Usage);
    }

    private static async Task<Answer> SendAsync(Deployment d, ModelCall call, ResponsesRequest request, StoredResponse? previous,
        IReadOnlyList<JsonElement> history, ResponseHeader header, CancellationToken ct)
    {
        if (NativeRoute.For(d, NativeRoute.Responses) is { } native)
        {
            using var body = NativeBody.For(request, previous, history, d);
            var raw = await native.SendAsync(HttpMethod.Post, "/responses", body.RootElement, call.Timing, ct);
            var facts = NativeResponseFacts.Read(raw);
            return new Answer(raw, facts.Usage ?? TokenUsage.None, facts.ResponseId, d.Config.Id, []);
        }
        KeepsBridgedContext(previous, d);
        using var chat = ChatRequest.ParseTranslated(ResponsesToChat.Write(request.Root, history, stream: false));
        var result = await d.Chat.CompleteAsync(new ChatCall(chat, d.Config, call.Timing), ct);
        var (response, items) = ChatToResponse.Write(result.Body, header, d.Config.Label);
        return new Answer(response, result.Usage, header.Id, null, items);
    }

    private static async Task<ResponseEventSource> OpenStreamAsync(Deployment d, ModelCall call, ResponsesRequest request, StoredResponse? previous,
        IReadOnlyList<JsonElement> history, ResponseHeader header, CancellationToken ct)
    {
        if (NativeRoute.For(d, NativeRoute.Responses) is { } native)
        {
            using var body = NativeBody.For(request, previous, history, d);
            return new NativeEvents(await native.StreamAsync("/responses", body.RootElement, forceStreamUsage: false, call.Timing, ct));
        }
        KeepsBridgedContext(previous, d);
        var chat = ChatRequest.ParseTranslated(ResponsesToChat.Write(request.Root, history, stream: true));
        try
        {
            return new BridgedEvents(call.Limited(await d.Chat.StreamAsync(new ChatCall(chat, d.Config, call.Timing), ct)), chat,
                new ResponseEventWriter(header), call.Progress);
        }
        catch
        {
            chat.Dispose();
            throw;
        }
    }

    /// <summary>A response made natively lives at its provider: a model served through chat cannot continue it.</summary>
    private static void KeepsBridgedContext(StoredResponse? previous, Deployment d)
    {
        if (previous is { IsNative: true })
            throw Errors.InvalidField("previous_response_id",
                $"the response was made natively by an OpenAI deployment and cannot be continued on '{d.Config.ModelName}', which is served through chat");
    }
}

/// <summary>One answered call, as the keeper needs it: the body, its usage, its id and, natively, the deployment that holds it.</summary>
internal sealed record Answer(ReadOnlyMemory<byte> Body, TokenUsage Usage, string? Id, string? NativeDeployment, IReadOnlyList<OutputItem> Items)
{
    internal static Answer From(ResponseEventSource events, ResponseHeader header, Deployment? served) => events switch
    {
        BridgedEvents b => new Answer(b.Writer.Final ?? [], b.Usage ?? TokenUsage.None, header.Id, null, b.Writer.Items),
        NativeEvents n => new Answer(ReadOnlyMemory<byte>.Empty, n.Usage ?? TokenUsage.None, n.ResponseId, served?.Config.Id, []),
        _ => throw new InvalidOperationException("unknown event source"),
    };
}
