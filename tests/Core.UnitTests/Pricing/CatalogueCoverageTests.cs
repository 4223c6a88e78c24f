using Gateway.Pricing;

namespace Gateway.Tests.Pricing;

/// <summary>
/// The catalogue prices every chat and embedding model the providers' pricing pages list today, with the token limits
/// the router's pre-call checks need. The ids below were compiled on 2026-12-02 from OpenAI's, Anthropic's, Google's
/// (Gemini API, paid tier) and AWS's (Bedrock on-demand) pricing pages as transcribed in LiteLLM's cost map, plus
/// Gemini 3.8 Flash, which Google's page lists and the map did not yet. A model a page adds belongs here and in the table.
/// </summary>
public sealed class CatalogueCoverageTests
{
    public static TheoryData<string> CurrentChatModels => new(
        // OpenAI (developers.openai.com/api/docs/pricing)
        "gpt-5.6", "gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna", "gpt-5.5", "gpt-5.5-pro", "gpt-5.4", "gpt-5.4-pro", "gpt-5.4-mini",
        "gpt-5.4-nano", "gpt-5.3-chat-latest", "gpt-5.3-codex", "gpt-5.2", "gpt-5.2-pro", "gpt-5.2-codex", "gpt-5.2-chat-latest", "gpt-5.1",
        "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini", "gpt-5.1-chat-latest", "gpt-5", "gpt-5-pro", "gpt-5-mini", "gpt-5-nano",
        "gpt-5-codex", "gpt-5-chat-latest", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o1", "o1-pro", "o3", "o3-pro",
        "o3-mini", "o4-mini", "o3-deep-research", "o4-mini-deep-research", "codex-mini-latest", "gpt-4o-search-preview", "gpt-4o-mini-search-preview",
        // Anthropic (platform.claude.com/docs/en/about-claude/pricing)
        "claude-fable-5", "claude-opus-5", "claude-sonnet-5", "claude-opus-4-8", "claude-opus-4-7", "claude-opus-4-6", "claude-sonnet-4-6",
        "claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "claude-opus-4-20250514", "claude-sonnet-4-20250514",
        "claude-3-7-sonnet-20250219", "claude-3-haiku-20240307",
        // Gemini API (ai.google.dev/gemini-api/docs/pricing)
        "gemini-3.8-flash", "gemini-3.6-flash", "gemini-3.5-flash", "gemini-3.5-flash-lite", "gemini-3.1-pro-preview", "gemini-3.1-flash-lite",
        "gemini-3.1-flash-lite-preview", "gemini-3-flash-preview", "gemini-3-pro-preview", "gemini-2.5-pro", "gemini-2.5-flash",
        "gemini-2.5-flash-lite", "gemini-2.0-flash", "gemini-2.0-flash-lite",
        // Amazon Bedrock (aws.amazon.com/bedrock/pricing)
        "anthropic.claude-fable-5", "anthropic.claude-opus-5", "anthropic.claude-sonnet-5", "anthropic.claude-opus-4-8", "anthropic.claude-opus-4-7",
        "anthropic.claude-opus-4-6-v1", "anthropic.claude-sonnet-4-6", "anthropic.claude-opus-4-5-20251101-v1:0",
        "anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-opus-4-1-20250805-v1:0",
        "anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-haiku-20240307-v1:0",
        "amazon.nova-2-lite-v1:0", "amazon.nova-premier-v1:0", "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0",
        "meta.llama4-maverick-17b-instruct-v1:0", "meta.llama4-scout-17b-instruct-v1:0", "meta.llama3-3-70b-instruct-v1:0",
        "meta.llama3-1-8b-instruct-v1:0", "mistral.mistral-large-3-675b-instruct", "mistral.pixtral-large-2502-v1:0", "deepseek.r1-v1:0",
        "deepseek.v3.2", "openai.gpt-oss-120b-1:0", "openai.gpt-oss-20b-1:0", "qwen.qwen3-coder-480b-a35b-v1:0", "qwen.qwen3-235b-a22b-2507-v1:0",
        "cohere.command-r-plus-v1:0", "writer.palmyra-x5-v1:0");

    public static TheoryData<string> CurrentEmbeddingModels => new(
        "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002",
        "gemini-embedding-2", "gemini-embedding-001",
        "amazon.titan-embed-text-v2:0", "amazon.nova-2-multimodal-embeddings-v1:0", "cohere.embed-v4:0", "cohere.embed-english-v3",
        "cohere.embed-multilingual-v3");

    [Theory]
    [MemberData(nameof(CurrentChatModels))]
    public void Every_current_chat_model_is_priced_with_its_token_limits(string model)
    {
        var entry = PriceTable.Default.Find(model);
        Assert.True(entry is not null, $"{model} is not in the catalogue");
        Assert.Equal(PriceEntry.Chat, entry.Mode);
        Assert.True(entry.InputPerToken > 0 && entry.OutputPerToken > 0, $"{model}: input {entry.InputPerToken}, output {entry.OutputPerToken}");
        Assert.True(entry.MaxInputTokens > 0, $"{model}: no max_input_tokens");
        Assert.True(entry.MaxOutputTokens > 0, $"{model}: no max_output_tokens");
    }

    [Theory]
    [MemberData(nameof(CurrentEmbeddingModels))]
    public void Every_current_embedding_model_is_priced(string model)
    {
        var entry = PriceTable.Default.Find(model);
        Assert.True(entry is not null, $"{model} is not in the catalogue");
        Assert.Equal(PriceEntry.Embedding, entry.Mode);
        Assert.True(entry.InputPerToken > 0, $"{model}: input {entry.InputPerToken}");
    }

    [Theory]
    // Spellings a config or client uses for the same models: routing prefixes, profiles, dated snapshots.
    [InlineData("anthropic/claude-sonnet-4-5-20250929"), InlineData("bedrock/global.anthropic.claude-opus-4-8"), InlineData("gemini/gemini-3.8-flash")]
    [InlineData("openai/gpt-5.5-2026-04-23"), InlineData("azure/eu/gpt-5.4"), InlineData("bedrock/converse/us.amazon.nova-2-lite-v1:0")]
    public void Current_models_are_found_under_every_usual_spelling(string model) => Assert.NotNull(PriceTable.Default.Lookup(model));
}
