namespace Gateway.Providers.Gemini;

/// <summary>Gemini <c>finishReason</c> / <c>blockReason</c> -> OpenAI <c>finish_reason</c>.</summary>
public static class GeminiFinishReason
{
    public static string ToOpenAI(string? reason, bool calledFunctions) => reason switch
    {
        "MAX_TOKENS" => "length",
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" or "LANGUAGE" => "content_filter",
        _ when calledFunctions => "tool_calls",
        _ => "stop", // STOP, OTHER, MALFORMED_FUNCTION_CALL, FINISH_REASON_UNSPECIFIED
    };
}
