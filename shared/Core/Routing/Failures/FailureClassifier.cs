using Gateway.Http;

namespace Gateway.Routing.Failures;

/// <summary>
/// Reads a <see cref="GatewayException"/> built by any provider's error mapping (OpenAI, Azure, Anthropic, Gemini,
/// Bedrock, mock) into one <see cref="FailureClass"/>. The providers keep their own code (<c>context_length_exceeded</c>,
/// <c>ThrottlingException</c>, <c>RESOURCE_EXHAUSTED</c>, ...) in <see cref="GatewayException.Code"/>, so the class is
/// decided from status, code, type and, for the few providers that say it only in words, the message.
/// </summary>
public static class FailureClassifier
{
    public static FailureClass Classify(GatewayException e)
    {
        var code = e.Code ?? "";
        var type = e.Type;
        if (IsContextWindow(e, code)) return FailureClass.ContextWindow;
        if (IsContentPolicy(e, code)) return FailureClass.ContentPolicy;
        if (IsQuota(e, code)) return FailureClass.Quota;
        if (e.Status == 429 || type == "rate_limit_error" || Has(code, "throttl") || Has(code, "toomanyrequests")) return FailureClass.RateLimit;
        if (e.Status is 401 or 403 || type is "authentication_error" or "permission_error") return FailureClass.Credential;
        if (e.Status is 408 or 504 || type == "timeout" || Has(code, "timeout")) return FailureClass.Timeout;
        if (e.Status >= 500 || type == "overloaded_error" || code == "overloaded_error") return FailureClass.Transient;
        return FailureClass.CallerFault;
    }

    private static bool IsContextWindow(GatewayException e, string code)
    {
        if (code is "context_length_exceeded" or "request_too_large" || e.Status == 413) return true;
        if (e.Status is not (400 or 422)) return false;
        var m = e.Message;
        // Anthropic ("prompt is too long"), Bedrock ("Input is too long", "too many input tokens"), Gemini ("exceeds the maximum number of tokens").
        return Has(m, "context length") || Has(m, "context window") || Has(m, "maximum context") || Has(m, "prompt is too long")
            || Has(m, "input is too long") || Has(m, "too many input tokens") || Has(m, "exceeds the maximum number of tokens");
    }

    private static bool IsContentPolicy(GatewayException e, string code) =>
        code is "content_policy_violation" or "content_filter" or "SAFETY" || Has(code, "content_policy")
        || (e.Status == 400 && (Has(e.Message, "content management policy") || Has(e.Message, "content policy") || Has(e.Message, "safety system")));

    private static bool IsQuota(GatewayException e, string code) =>
        e.Status == 402 || code is "insufficient_quota" or "billing_hard_limit_reached" || Has(code, "quota")
        || (e.Status == 429 && (Has(e.Message, "exceeded your current quota") || Has(e.Message, "credit balance")));

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
