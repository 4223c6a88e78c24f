using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Conformance;

/// <summary>
/// One provider adapter under the conformance suite: how to configure the gateway to reach the fake upstream, how that
/// fake answers each <see cref="Reply"/> in the provider's exact wire format, and what the translated request must
/// contain. A new provider (e.g. Bedrock) joins the suite with one subclass and one <see cref="ConformanceSuite{T}"/> class.
/// </summary>
public abstract class ConformanceTarget
{
    /// <summary>The gateway's model entry named <c>conf</c>, pointing at <paramref name="baseUrl"/> (no trailing slash).</summary>
    public abstract string Models(string baseUrl);

    /// <summary>Answers one upstream call the way the provider would.</summary>
    public abstract Task AnswerAsync(HttpContext ctx, Reply reply, bool stream);

    /// <summary>Checks the request the gateway sent for <paramref name="c"/> (native shape of system, tools, images, ...).</summary>
    public abstract void AssertSent(ConformanceCase c, RecordedRequest sent, bool stream);

    /// <summary>The status the client sees for an upstream error of <paramref name="status"/> (the same, unless a provider says otherwise).</summary>
    public virtual int ExpectedStatus(int status) => status;

    protected static JsonElement Json(RecordedRequest r) => JsonDocument.Parse(r.Body).RootElement;

    protected static string ErrorMessage(int status) => status switch
    {
        400 => "Invalid request: bad parameter.",
        401 => "Invalid API key.",
        429 => "Rate limit exceeded.",
        _ => "Internal server error.",
    };
}
