using Gateway.Spend;
using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>
/// The HTTP side of a call's spend record: the pipeline attaches it to the request, so the error writers and the
/// error boundary can note an error on it and make sure it is written, without the spend code knowing of HTTP.
/// </summary>
public static class CallRecords
{
    public static void Attach(HttpContext ctx, CallRecord record) => ctx.Features.Set(record);

    public static CallRecord? Of(HttpContext ctx) => ctx.Features.Get<CallRecord>();
}

/// <summary>Reads a caller's trace id: the W3C <c>traceparent</c> header's trace id, else <c>x-trace-id</c>.</summary>
public static class TraceIds
{
    public static string? Read(IHeaderDictionary headers)
    {
        // traceparent: version-traceid-parentid-flags; the trace id is the 32 hex digits after the first dash.
        if (headers.TryGetValue("traceparent", out var tp) && tp.ToString() is { Length: >= 55 } t && t[2] == '-') return t.Substring(3, 32);
        return headers.TryGetValue("x-trace-id", out var x) && x.ToString() is { Length: > 0 and <= 128 } id ? id : null;
    }
}
