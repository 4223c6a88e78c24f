namespace Gateway.Providers.Bedrock.Converse;

/// <summary>Converse <c>stopReason</c> to OpenAI <c>finish_reason</c>.</summary>
public static class StopReasons
{
    public static string ToFinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "guardrail_intervened" or "content_filtered" => "content_filter",
        _ => "stop", // end_turn, stop_sequence and anything new
    };
}
