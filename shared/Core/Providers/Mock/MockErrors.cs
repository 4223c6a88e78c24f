using Gateway.Http;

namespace Gateway.Providers.Mock;

/// <summary>
/// LiteLLM's convention: a <c>mock_response</c> naming an exception class makes the mock fail that way,
/// so clients can test their error handling offline.
/// </summary>
internal static class MockErrors
{
    public static GatewayException? For(string mockResponse) => mockResponse switch
    {
        "litellm.RateLimitError" => new GatewayException(429, "rate_limit_error", "Mock rate limit (mock_response).", "rate_limit_exceeded") { RetryAfter = "1", RetryDelay = TimeSpan.FromSeconds(1), Retryable = true },
        "litellm.InternalServerError" => new GatewayException(500, "api_error", "Mock internal server error (mock_response).", "internal_error") { Retryable = true },
        "litellm.ServiceUnavailableError" => new GatewayException(503, "api_error", "Mock service unavailable (mock_response).", "service_unavailable") { Retryable = true },
        "litellm.Timeout" or "litellm.APITimeoutError" => new GatewayException(504, "timeout", "Mock timeout (mock_response).", "upstream_timeout") { Retryable = true },
        "litellm.BadRequestError" => new GatewayException(400, Errors.InvalidRequest, "Mock bad request (mock_response).", "invalid_request"),
        "litellm.ContextWindowExceededError" => new GatewayException(400, Errors.InvalidRequest, "Mock context window exceeded (mock_response).", "context_length_exceeded", "messages"),
        "litellm.AuthenticationError" => new GatewayException(401, "authentication_error", "Mock authentication error (mock_response).", "invalid_api_key"),
        "litellm.ContentPolicyViolationError" => new GatewayException(400, Errors.InvalidRequest, "Mock content policy violation (mock_response).", "content_policy_violation"),
        _ => null,
    };
}
