using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Gateway.Limits;
using Gateway.Routing;
using Gateway.Spend;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Pipeline;

/// <summary>
/// The one path every model call takes (chat, embeddings, <c>/v1/messages</c>, count_tokens): authenticate, read the
/// body, parse it once and validate it, resolve the model group, check model access, admit, run the before-call hooks,
/// hand over to the endpoint (route, adapter, answer), then settle, hand off the spend event and run the after-call hooks.
/// A request that fails validation or names an unknown model is refused before admission: no rpm slot, no store write.
/// Endpoints only say how to parse their body and how to answer; none can skip a step.
/// </summary>
public sealed partial class CallPipeline(
    IRequestAuthenticator auth, GatewayConfig config, ModelRouter router, CallLimiter limiter, SpendRecorder spend,
    IEnumerable<ICallHook> hooks, Tokens.TokenCounters tokens, ILogger<CallPipeline> log)
{
    private readonly ICallHook[] _hooks = hooks.ToArray();

    /// <param name="parse">Parses and validates the body (throws a 400 naming the field); the only parse of the body, and of the
    /// body with the model group's default params, which then replaces it before admission.</param>
    /// <param name="handle">Routes the call and answers; ends the call through <see cref="ModelCall.CompleteAsync"/> or <see cref="ModelCall.FailAsync"/>.</param>
    /// <param name="screen">The endpoint's own check of the parsed request against the store (a <c>previous_response_id</c>
    /// the caller may not see), run with the access checks: a refusal there costs no rate-limit slot and books nothing.</param>
    public async Task RunAsync<TRequest>(HttpContext ctx, CallKind kind, Func<ReadOnlyMemory<byte>, TRequest> parse,
        Func<HttpContext, ModelCall, TRequest, Task> handle, Func<TRequest, CallerIdentity, CancellationToken, Task>? screen = null) where TRequest : IModelRequest
    {
        var timing = GatewayRequestFeature.Get(ctx)!;
        var caller = await auth.AuthenticateAsync(ctx);                                        // 1. no body is read for an unknown caller
        RequestBody body;
        TRequest request;
        try
        {
            body = await RequestBody.ReadAsync(ctx.Request, config.MaxRequestBytes, ctx.RequestAborted); // 2.
            try
            {
                request = parse(body.Memory);                                                  // 3, 4. parse once, validate
            }
            catch (GatewayException)
            {
                body.Dispose();
                throw;
            }
        }
        catch (GatewayException e)
        {
            Refused(kind, caller, null, e);
            throw;
        }
        using var _ = body;
        using var span = Telemetry.CallSpans.Start(kind, request, ctx.Request.Headers.TraceParent, ctx.Request.Headers.TraceState);
        ModelGroup? group = null;
        var handedOver = false;
        try
        {
            var model = caller.Grant?.ModelFor(request.Model) ?? request.Model;                 // a key's alias names a group
            if (!router.TryResolve(model, out group))                                          // 5. unknown model: 404
                throw Errors.ModelNotFound(model, router.VisibleNames.Where(n => ModelAccess.Allows(caller, n)));
            ModelAccess.Check(caller, group.Name);                                             // 6. fail closed
            var bodyLength = body.Length;
            if (group.Defaults.Apply(request.Root, kind) is { } withDefaults)                  // the group's default params, before admission
            {
                // The rewritten body replaces the parse: admission, routing and the upstream all read this one.
                var parsed = parse(withDefaults);
                request.Dispose();
                request = parsed;
                bodyLength = withDefaults.Length;
            }
            foreach (var hook in _hooks) hook.Screen(kind, caller, request, group);            // a hook may refuse, before admission
            if (screen is not null) await screen(request, caller, ctx.RequestAborted);
            handedOver = true;
            await RunAdmittedAsync(ctx, kind, caller, timing, body.Memory, bodyLength, request, group, parse, handle, span);
        }
        catch (GatewayException e)
        {
            // Refused before admission (or failed after): the span says why; the error handler answers.
            if (!handedOver) Refused(kind, caller, group, e);
            span?.SetTag("error.type", e.Type);
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Code ?? e.Type);
            throw;
        }
        finally
        {
            request.Dispose();
        }
    }

    private async Task RunAdmittedAsync<TRequest>(HttpContext ctx, CallKind kind, CallerIdentity caller, GatewayRequestFeature timing,
        ReadOnlyMemory<byte> body, int bodyLength, TRequest request, ModelGroup group, Func<ReadOnlyMemory<byte>, TRequest> parse,
        Func<HttpContext, ModelCall, TRequest, Task> handle, System.Diagnostics.Activity? span)
        where TRequest : IModelRequest
    {
        // The route (fallbacks the caller may reach, tags, body directives) is decided from the same parse, before admission.
        RoutePlan plan;
        Admission? admission;
        try
        {
            plan = router.Plan(group, request, caller, request.Tags.Count > 0 ? request.Tags : caller.Grant?.Key.Tags ?? []);
            using (Telemetry.CallSpans.Child(span, "admission"))                               // 7. reserve the worst case
                admission = kind.IsBillable() ? await limiter.AdmitAsync(caller.Grant, kind, request, group.Name, bodyLength) : null;
        }
        catch (GatewayException e)
        {
            Refused(kind, caller, group, e);
            throw;
        }
        if (admission is not null) LimitHeadersWriter.Write(ctx.Response, admission.Headers);
        using var budget = admission?.Budget;
        // The output the reservation paid for is the only output cap the upstream sees: lowered by the budget (cap mode),
        // or the one cap counted when the body set two that disagree. The rewritten body replaces the request from here on.
        var cap = admission?.CappedOutputTokens ?? (OutputCap.Disagree(request.Root, kind) ? request.MaxOutputTokens : null);
        using var capped = cap is { } n ? parse(OutputCap.Apply(request.Root, kind, n, group.OutputCapField)) : default;
        if (capped is not null) request = capped;
        if (admission?.CappedOutputTokens is { } lowered)
            ctx.Response.Headers[OutputCap.Header] = lowered.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Admitted: from here on the call ends in exactly one settle and one spend event, whatever happens.
        var record = kind.IsBillable() ? spend.Start(timing, caller, kind, request, body, TraceIds.Read(ctx.Request.Headers)) : null;
        if (record is not null)
        {
            record.Span = span;
            record.MaxTokensCapped = admission?.CappedOutputTokens;
            CallRecords.Attach(ctx, record);
        }
        var call = new ModelCall(kind, caller, request, group, timing, record, budget, ctx.Response, tokens, _hooks.Length == 0 ? null : AfterCallAsync)
        {
            Route = new CallRoute(router, plan, record),
            OutputLimit = admission?.OutputLimit,
        };
        try
        {
            if (await AnswerFromHookAsync(ctx, call)) return;                                  // 8. before-call hooks
            await handle(ctx, call, request);                                                  // 9-14. route, adapter, price, settle, after-call hooks
            if (!call.Finished) await call.FailAsync(Errors.Internal(timing.RequestId));
        }
        catch (GatewayException e)
        {
            await call.FailAsync(e);
            throw;
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            await call.FailAsync(Errors.ClientClosed());
            throw;
        }
        catch (Exception)
        {
            await call.FailAsync(Errors.Internal(timing.RequestId));
            throw;
        }
    }

    /// <summary>Tells the hooks (metrics) about a call refused before admission; a hook that throws is logged and skipped.</summary>
    private void Refused(CallKind kind, CallerIdentity caller, ModelGroup? group, GatewayException error)
    {
        foreach (var hook in _hooks)
        {
            try
            {
                hook.Refused(kind, caller, group, error);
            }
            catch (Exception e)
            {
                LogHookFailed(e, hook.GetType().Name, "(refused)");
            }
        }
    }

    private async Task<bool> AnswerFromHookAsync(HttpContext ctx, ModelCall call)
    {
        foreach (var hook in _hooks)
        {
            HookAnswer? answer;
            try
            {
                answer = await hook.BeforeCallAsync(call, ctx.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogHookFailed(e, hook.GetType().Name, call.Timing.RequestId);
                continue;
            }
            if (answer is null) continue;
            await call.CompleteFromHookAsync(answer.Saved);
            if (answer.IsEventStream)
            {
                SseResponse.Start(ctx.Response, call.Timing);
                await ctx.Response.BodyWriter.WriteAsync(answer.Body, ctx.RequestAborted);
            }
            else await JsonResponse.WriteAsync(ctx, answer.Body, call.Timing, answer.ContentType);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Step 14, run by the call as it ends (settled, spend handed off): before a non-streamed answer is written and before
    /// a stream's <c>[DONE]</c>, so what a hook keeps (a cached answer) is there when the client sees the end.
    /// </summary>
    private async Task AfterCallAsync(ModelCall call)
    {
        if (call.Outcome is not { } outcome) return;
        foreach (var hook in _hooks)
        {
            try
            {
                await hook.AfterCallAsync(call, outcome, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogHookFailed(e, hook.GetType().Name, call.Timing.RequestId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call hook {Hook} failed on request {RequestId}; the call went on without it")]
    private partial void LogHookFailed(Exception e, string hook, string requestId);
}

/// <summary>Step 6: a virtual key reaches only the models its key, team and user all allow. Fails closed.</summary>
public static class ModelAccess
{
    public static void Check(CallerIdentity caller, string model)
    {
        if (caller.Kind != CallerKind.VirtualKey) return;
        if (caller.Grant is not { } grant) throw Errors.Unauthorized("This key could not be resolved.");
        if (!grant.MayUse(model))
            throw new GatewayException(403, "permission_error", $"This key may not use the model '{model}'.", "model_not_allowed", "model");
    }

    public static bool Allows(CallerIdentity caller, string model) => caller.Kind != CallerKind.VirtualKey || caller.Grant?.MayUse(model) == true;
}
