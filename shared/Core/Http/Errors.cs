namespace Gateway.Http;

/// <summary>The errors the gateway raises itself, with OpenAI's status codes and type names.</summary>
public static class Errors
{
    public const string InvalidRequest = "invalid_request_error";

    public static GatewayException BadRequest(string message, string? param = null, string? code = null) =>
        new(400, InvalidRequest, message, code, param);

    public static GatewayException MissingField(string param, string expected) =>
        BadRequest($"'{param}' is required: {expected}.", param, "missing_required_parameter");

    public static GatewayException InvalidField(string param, string problem) =>
        BadRequest($"Invalid '{param}': {problem}.", param, "invalid_value");

    public static GatewayException Unauthorized(string message) =>
        new(401, "authentication_error", message, "invalid_api_key");

    public static GatewayException ModelNotFound(string model, IEnumerable<string> known) =>
        new(404, InvalidRequest, $"The model '{model}' does not exist on this gateway. Known models: {string.Join(", ", known)}.", "model_not_found", "model");

    public static GatewayException PayloadTooLarge(long limit) =>
        new(413, InvalidRequest, $"The request body is larger than the gateway's limit of {limit} bytes (general_settings.max_request_size_mb).", "request_too_large");

    public static GatewayException UpstreamTimeout(string deployment, TimeSpan timeout) =>
        new(504, "timeout", $"The upstream for {deployment} did not answer within {timeout.TotalSeconds:0.###} s (litellm_params.timeout).", "upstream_timeout")
        { Retryable = true };

    public static GatewayException UpstreamUnreachable(string deployment, string reason) =>
        new(502, "api_error", $"The upstream for {deployment} could not be reached: {reason}", "upstream_unreachable")
        { Retryable = true };

    public static GatewayException UpstreamResponseTooLarge(string deployment, long limit) =>
        new(502, "api_error", $"The upstream for {deployment} answered with more than {limit} bytes, over the gateway's limit (general_settings.max_response_size_mb).", "upstream_response_too_large");

    public static GatewayException UpstreamProtocol(string deployment, string reason) =>
        new(502, "api_error", $"The upstream for {deployment} answered with something the gateway cannot read: {reason}", "upstream_bad_response");

    /// <summary>Not sent to anyone (the client left); it names the outcome in the call's spend event. 499 as nginx logs it.</summary>
    public static GatewayException ClientClosed() =>
        new(499, "client_closed_request", "The client closed the connection before the response was complete.", "client_disconnected");

    public static GatewayException Internal(string requestId) =>
        new(500, "api_error", $"The gateway failed to handle this request (request id {requestId}). The details are in the gateway's log.", "internal_error");
}
