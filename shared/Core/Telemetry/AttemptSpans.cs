using System.Diagnostics;
using Gateway.Http;
using Gateway.Routing;

namespace Gateway.Telemetry;

/// <summary>A client span per upstream attempt, under the call's span: which deployment, which retry, and how it failed.</summary>
public static class AttemptSpans
{
    public static Activity? Start(Deployment d, int retry)
    {
        var source = GatewayTelemetry.Source;
        if (!source.HasListeners()) return null;
        var span = source.StartActivity($"attempt {d.Config.UpstreamModel}", ActivityKind.Client);
        if (span is not { IsAllDataRequested: true }) return span;
        span.SetTag("gen_ai.provider.name", CallSpans.ProviderName(d.Config.Provider));
        span.SetTag("gen_ai.request.model", d.Config.UpstreamModel);
        span.SetTag("gateway.model_group", d.Config.ModelName);
        span.SetTag("gateway.model_id", d.Config.Id);
        if (retry > 0) span.SetTag("gateway.retry", retry);
        return span;
    }

    public static void Failed(Activity? span, GatewayException e)
    {
        if (span is null) return;
        span.SetTag("error.type", e.Type);
        span.SetTag("http.response.status_code", e.Status);
        span.SetStatus(ActivityStatusCode.Error, e.Code ?? e.Type);
    }
}
