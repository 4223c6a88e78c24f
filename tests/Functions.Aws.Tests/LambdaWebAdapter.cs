using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Functions.Aws.Tests;

/// <summary>
/// The HTTP requests the Lambda Web Adapter (awslabs/aws-lambda-web-adapter, src/lib.rs <c>Adapter::fetch_response</c>,
/// built on aws-lambda-rust-runtime's <c>lambda_http</c> 1.x) makes to the app for one invocation. Every test that
/// stands in for the adapter builds its request here, so they all send the same header set. Sources, per header:
/// <list type="bullet">
/// <item><c>x-amzn-request-context</c>: fetch_response inserts <c>serde_json::to_string(&amp;request_context)</c>, replacing
/// any value the client sent (HeaderMap::insert; LWA's integ test <c>test_http_context_multi_headers</c> checks exactly one
/// arrives). <c>RequestContext</c> is <c>#[serde(untagged)]</c> (lambda-http/src/request.rs), so the pass-through unit
/// variant serializes as <c>null</c>, a Function URL request as its ApiGatewayV2httpRequestContext object (camelCase
/// fields, lambda-events/src/event/apigw/mod.rs; authorizer and authentication left out when absent).</item>
/// <item><c>x-amzn-lambda-context</c>: fetch_response inserts <c>serde_json::to_string(&amp;lambda_context)</c>, the
/// lambda_runtime <c>Context</c> (snake_case: request_id, deadline, invoked_function_arn, xray_trace_id, client_context,
/// identity, tenant_id, env_config {function_name, memory, version, log_stream, log_group}).</item>
/// <item><c>x-amz-tenant-id</c>: only when the invocation has a tenant id (tenant-isolated functions); ours have none.</item>
/// <item><c>content-type: application/json</c> and <c>x-amzn-trace-id</c> (from <c>_X_AMZN_TRACE_ID</c>, which lambda_runtime
/// sets per invocation): lambda-http/src/request.rs <c>into_pass_through_request</c>, the only headers a pass-through
/// event starts with.</item>
/// <item>method and path: a pass-through request is a POST whose path fetch_response replaces with
/// <c>AWS_LWA_PASS_THROUGH_PATH</c> (default <c>/events</c>); a Function URL request keeps its method and raw path.</item>
/// <item><c>host</c>: hyper-util's client adds <c>127.0.0.1:&lt;port&gt;</c> only when the request has none, so a
/// pass-through event gets that and a Function URL request keeps the URL's host from its event.</item>
/// <item><c>x-forwarded-for</c>, <c>x-forwarded-proto</c>, <c>x-forwarded-port</c>, <c>x-amzn-tls-version</c>,
/// <c>x-amzn-tls-cipher-suite</c>, <c>x-amzn-trace-id</c>, <c>host</c>: not added by the adapter; they are in the headers
/// of a Function URL event (docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads; a captured event in
/// aws-powertools/powertools-lambda-typescript packages/parser/src/schemas/lambda.ts), and lambda_http's
/// <c>into_api_gateway_v2_request</c> passes the event's headers through.</item>
/// </list>
/// The body is the event JSON byte for byte; <c>content-length</c> comes from it.
/// </summary>
public static class LambdaWebAdapter
{
    public const string PassThroughPath = "/events";
    public const string FunctionUrlId = "abcdefghijklmnopqrstuvwxyz012345";
    public static readonly string FunctionUrlHost = $"{FunctionUrlId}.lambda-url.{Gateway.Tests.Support.FakeBedrock.Region}.on.aws";
    public const string ClientIp = "203.0.113.7";

    /// <summary>A non-HTTP event (DynamoDB Streams batch, EventBridge target input) as the adapter posts it.</summary>
    public static HttpRequestMessage PassThrough(string eventJson)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, PassThroughPath) { Content = Json(eventJson) };
        var requestId = Guid.NewGuid().ToString();
        var trace = TraceId();
        request.Headers.TryAddWithoutValidation("x-amzn-trace-id", trace);
        request.Headers.TryAddWithoutValidation("x-amzn-request-context", "null");
        request.Headers.TryAddWithoutValidation("x-amzn-lambda-context", LambdaContext(requestId, trace));
        return request;
    }

    /// <summary>
    /// A public request to the Function URL as the adapter forwards it: the event's headers (AWS's forwarding headers,
    /// then the client's own, of which a client-sent <c>x-amzn-request-context</c> is replaced), the JSON request context.
    /// </summary>
    public static HttpRequestMessage FunctionUrl(HttpMethod method, string path, string? body, string? bearer = null,
        IEnumerable<KeyValuePair<string, string>>? clientHeaders = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = Json(body);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        foreach (var (name, value) in clientHeaders ?? []) request.Headers.TryAddWithoutValidation(name, value);
        AsForwardedFromFunctionUrl(request);
        return request;
    }

    /// <summary>Turns a client's request into what the adapter sends the app for it when it came through the Function URL.</summary>
    public static void AsForwardedFromFunctionUrl(HttpRequestMessage request)
    {
        var requestId = Guid.NewGuid().ToString();
        var trace = TraceId();
        var path = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : request.RequestUri?.OriginalString.Split('?')[0] ?? "/";
        request.Headers.Host = FunctionUrlHost;
        request.Headers.TryAddWithoutValidation("x-amzn-tls-cipher-suite", "TLS_AES_128_GCM_SHA256");
        request.Headers.TryAddWithoutValidation("x-amzn-tls-version", "TLSv1.3");
        request.Headers.Remove("x-amzn-trace-id");
        request.Headers.TryAddWithoutValidation("x-amzn-trace-id", trace);
        request.Headers.TryAddWithoutValidation("x-forwarded-proto", "https");
        request.Headers.TryAddWithoutValidation("x-forwarded-port", "443");
        request.Headers.TryAddWithoutValidation("x-forwarded-for", ClientIp);
        if (!request.Headers.UserAgent.Any()) request.Headers.TryAddWithoutValidation("user-agent", "curl/8.5.0");
        // The adapter replaces these two whatever the client sent.
        request.Headers.Remove("x-amzn-request-context");
        request.Headers.Remove("x-amzn-lambda-context");
        request.Headers.TryAddWithoutValidation("x-amzn-request-context", FunctionUrlRequestContext(request.Method.Method, path, requestId).ToJsonString());
        request.Headers.TryAddWithoutValidation("x-amzn-lambda-context", LambdaContext(requestId, trace));
    }

    /// <summary>For an <see cref="HttpClient"/> that stands in for Function URL clients: every request arrives as the adapter forwards it.</summary>
    public sealed class FunctionUrlHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            AsForwardedFromFunctionUrl(request);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>ApiGatewayV2httpRequestContext for a Function URL request with auth type NONE, as serde writes it.</summary>
    public static JsonObject FunctionUrlRequestContext(string method, string path, string requestId)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["routeKey"] = "$default",
            ["accountId"] = "anonymous",
            ["stage"] = "$default",
            ["requestId"] = requestId,
            ["apiId"] = FunctionUrlId,
            ["domainName"] = FunctionUrlHost,
            ["domainPrefix"] = FunctionUrlId,
            ["time"] = now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture),
            ["timeEpoch"] = now.ToUnixTimeMilliseconds(),
            ["http"] = new JsonObject
            {
                ["method"] = method,
                ["path"] = path,
                ["protocol"] = "HTTP/1.1",
                ["sourceIp"] = ClientIp,
                ["userAgent"] = "curl/8.5.0",
            },
        };
    }

    private static string LambdaContext(string requestId, string trace) => new JsonObject
    {
        ["request_id"] = requestId,
        ["deadline"] = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds(),
        ["invoked_function_arn"] = $"arn:aws:lambda:{Gateway.Tests.Support.FakeBedrock.Region}:123456789012:function:gateway-test",
        ["xray_trace_id"] = trace,
        ["client_context"] = null,
        ["identity"] = null,
        ["tenant_id"] = null,
        ["env_config"] = new JsonObject
        {
            ["function_name"] = "gateway-test",
            ["memory"] = 1024,
            ["version"] = "$LATEST",
            ["log_stream"] = "2026/12/02/[$LATEST]0123456789abcdef0123456789abcdef",
            ["log_group"] = "/aws/lambda/gateway-test",
        },
    }.ToJsonString();

    private static string TraceId() =>
        $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid().ToString("N")[..24]};Parent={Guid.NewGuid().ToString("N")[..16]};Sampled=0;Lineage=1:0a1b2c3d:0";

    /// <summary>Exactly <c>content-type: application/json</c> (no charset parameter), as the adapter sends it.</summary>
    private static ByteArrayContent Json(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Sends <paramref name="request"/> to the gateway's port (the adapter's AWS_LWA_PORT) and reads the answer.</summary>
    public static async Task<(System.Net.HttpStatusCode Status, JsonNode Body)> SendAsync(LambdaGateway gw, HttpRequestMessage request)
    {
        using var http = new HttpClient { BaseAddress = gw.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using (request)
        using (var response = await http.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, JsonNode.Parse(text) ?? throw new InvalidOperationException($"{(int)response.StatusCode}: empty body"));
        }
    }
}
