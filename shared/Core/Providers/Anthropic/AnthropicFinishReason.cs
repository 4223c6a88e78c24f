namespace Gateway.Providers.Anthropic;

/// <summary>Anthropic <c>stop_reason</c> -> OpenAI <c>finish_reason</c>.</summary>
public static class AnthropicFinishReason
{
    /// <param name="structured">The forced structured-output tool was the answer: to the client that is plain text.</param>
    public static string ToOpenAI(string? stopReason, bool structured = false) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => structured ? "stop" : "tool_calls",
        "refusal" => "content_filter",
        _ => "stop", // end_turn, stop_sequence, pause_turn
    };

    public static string FromOpenAI(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };
}
