namespace Gateway.Http;

/// <summary>
/// A request failed in a way the client should hear about as an OpenAI-style error
/// (<c>{"error":{"message","type","param","code"}}</c>) with <see cref="Status"/>.
/// </summary>
public sealed class GatewayException(int status, string type, string message, string? code = null, string? param = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;

    /// <summary>Passed to the client as <c>Retry-After</c> (e.g. from an upstream 429).</summary>
    public string? RetryAfter { get; init; }

    /// <summary>
    /// An upstream's raw error body (at most a few KiB), for provider translators to read the provider's own fields.
    /// Never written to a client: it can echo the gateway's provider key or org id. Clients get the redacted fields.
    /// </summary>
    public ReadOnlyMemory<byte>? UpstreamBody { get; init; }

    /// <summary>Extra response headers (the rate-limit headers of a refused call).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public GatewayException WithHeaders(IEnumerable<KeyValuePair<string, string>> headers) =>
        new(Status, Type, Message, Code, Param) { RetryAfter = RetryAfter, RetryDelay = RetryDelay, UpstreamBody = UpstreamBody, Retryable = Retryable, Headers = [.. headers] };

    /// <summary>How long the upstream asked to be left alone (<c>retry-after-ms</c>, else <c>Retry-After</c>); null: it did not say.</summary>
    public TimeSpan? RetryDelay { get; init; }

    private Routing.Failures.FailureClass? _failure;

    /// <summary>What kind of failure this is, classified once from status, code and type (see <see cref="Routing.Failures.FailureClassifier"/>).</summary>
    public Routing.Failures.FailureClass Failure => _failure ??= Routing.Failures.FailureClassifier.Classify(this);

    /// <summary>Worth trying again on another attempt or deployment (connection failures, 408, 429, 5xx).</summary>
    public bool Retryable { get; init; }
}
