namespace Gateway.Pipeline;

/// <summary>What kind of model call a request is. Set by the endpoint that receives it, never derived from the URL.</summary>
public enum CallKind
{
    ChatCompletion,
    Embedding,
    AnthropicMessages,

    /// <summary>OpenAI's Responses API (<c>/v1/responses</c>), bridged to chat or passed through to OpenAI-native deployments.</summary>
    Responses,

    /// <summary>The legacy <c>/v1/completions</c> (a prompt in, <c>text</c> choices out).</summary>
    TextCompletion,

    /// <summary>Anthropic's <c>count_tokens</c>: checked for model access like any call, but free: no reservation, no spend event.</summary>
    CountTokens,
}

public static class CallKinds
{
    /// <summary>The <c>call_type</c> in spend events (LiteLLM's names).</summary>
    public static string SpendName(this CallKind kind) => kind switch
    {
        CallKind.Embedding => "embedding",
        CallKind.AnthropicMessages => "anthropic_messages",
        CallKind.CountTokens => "count_tokens",
        CallKind.Responses => "responses",
        CallKind.TextCompletion => "text_completion",
        _ => "chat_completion",
    };

    /// <summary>Calls that generate tokens reserve their worst-case output; embeddings produce none.</summary>
    public static bool ProducesText(this CallKind kind) => kind is CallKind.ChatCompletion or CallKind.AnthropicMessages or CallKind.Responses or CallKind.TextCompletion;

    /// <summary>Calls that cost money: admitted against limits, settled, and recorded as one spend event.</summary>
    public static bool IsBillable(this CallKind kind) => kind != CallKind.CountTokens;
}
