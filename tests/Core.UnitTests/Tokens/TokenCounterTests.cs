using System.Text;
using System.Text.Json;
using Gateway.Config;
using Gateway.Pipeline;
using Gateway.Tokens;
using Microsoft.ML.Tokenizers;

namespace Gateway.Tests.Tokens;

/// <summary>
/// Local tokenizers for OpenAI models: exact counts against tiktoken's published token ids, which models map to which
/// encoding, the fallback for providers without a local tokenizer, and that an encoding loads only when counting.
/// </summary>
public class TokenCounterTests
{
    private static readonly TokenCounters Shared = new();

    [Theory]
    [InlineData("o200k_base", "hello world", 2)]
    [InlineData("cl100k_base", "hello world", 2)]
    [InlineData("o200k_base", "tiktoken is great!", 6)]
    [InlineData("cl100k_base", "tiktoken is great!", 6)]
    [InlineData("o200k_base", "", 0)]
    public void Counts_exactly(string encoding, string text, int expected)
    {
        var counter = encoding == "o200k_base" ? Shared.ForModel("gpt-4o")! : Shared.ForModel("gpt-4")!;
        Assert.Equal(encoding, counter.Encoding);
        Assert.Equal(expected, counter.Count(text));
    }

    [Fact]
    public void Matches_tiktoken_published_ids()
    {
        // OpenAI cookbook, "How to count tokens with tiktoken": encode("tiktoken is great!").
        Assert.Equal([83, 1609, 5963, 374, 2294, 0], TiktokenTokenizer.CreateForEncoding("cl100k_base").EncodeToIds("tiktoken is great!"));
        Assert.Equal([83, 8251, 2488, 382, 2212, 0], TiktokenTokenizer.CreateForEncoding("o200k_base").EncodeToIds("tiktoken is great!"));
    }

    [Theory]
    [InlineData("gpt-4o-mini", "o200k_base")]
    [InlineData("gpt-4o-2024-08-06", "o200k_base")]
    [InlineData("chatgpt-4o-latest", "o200k_base")]
    [InlineData("gpt-4.1-nano", "o200k_base")]
    [InlineData("gpt-5", "o200k_base")]
    [InlineData("o1-mini", "o200k_base")]
    [InlineData("o3", "o200k_base")]
    [InlineData("o4-mini", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-turbo", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    [InlineData("text-embedding-3-small", "cl100k_base")]
    [InlineData("claude-sonnet-4", null)]
    [InlineData("llama-3.1-8b", null)]
    public void Maps_models_to_encodings(string model, string? encoding) => Assert.Equal(encoding, TokenCounters.EncodingOf(model));

    [Theory]
    [InlineData("openai", "gpt-4o-mini", true)]
    [InlineData("azure", "gpt-4o", true)]
    [InlineData("anthropic", "claude-sonnet-4-5", false)]
    [InlineData("gemini", "gemini-2.5-flash", false)]
    [InlineData("bedrock", "anthropic.claude-3-haiku", false)]
    [InlineData("groq", "gpt-4o", false)] // another server's model: its tokenizer is not known here
    [InlineData("mock", "mock-1", false)]
    public void Only_OpenAI_deployments_get_a_tokenizer(string provider, string model, bool has) =>
        Assert.Equal(has, Shared.For(Deployment(provider, model)) is not null);

    [Fact]
    public void An_azure_deployment_name_maps_through_base_model()
    {
        var d = Deployment("azure", "prod-chat", """{"base_model":"azure/gpt-4o-2024-08-06"}""");
        Assert.Equal("o200k_base", Shared.For(d)!.Encoding);
        Assert.Null(Shared.For(Deployment("azure", "prod-chat")));
    }

    [Fact]
    public void Encodings_load_lazily_and_once()
    {
        var tokens = new TokenCounters();
        var o200k = tokens.ForModel("gpt-4o-mini")!;
        Assert.NotNull(tokens.ForModel("gpt-4"));
        Assert.Equal(0, tokens.Loads);
        Assert.Equal(0, o200k.Count(""));
        Assert.Equal(0, tokens.Loads);
        Parallel.For(0, 8, _ => o200k.Count("hello world"));
        Assert.Equal(1, tokens.Loads);
    }

    [Fact]
    public void Prompt_counts_messages_the_way_the_cookbook_does()
    {
        var o200k = Shared.ForModel("gpt-4o-mini")!;
        // 3 per message + "user" (1) + "hello world" (2), then 3 to prime the reply.
        Assert.Equal(9, Prompt("""{"messages":[{"role":"user","content":"hello world"}]}""", o200k));
        // A name costs its tokens plus 1; content parts count their text.
        Assert.Equal(9 + 3 + o200k.Count("system") + o200k.Count("Be brief.") + 1 + o200k.Count("bob"),
            Prompt("""{"messages":[{"role":"system","content":[{"type":"text","text":"Be brief."}],"name":"bob"},{"role":"user","content":"hello world"}]}""", o200k));
        // Tools count their JSON.
        var tools = """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]""";
        Assert.Equal(9 + o200k.Count(tools), Prompt($$"""{"messages":[{"role":"user","content":"hello world"}],"tools":{{tools}}}""", o200k));
        // Embeddings: the input's text, no message framing.
        Assert.Equal(4, Prompt("""{"input":["hello world","hello world"]}""", o200k));
    }

    [Fact]
    public void Output_is_counted_from_the_streamed_text_when_a_tokenizer_applies()
    {
        var o200k = Shared.ForModel("gpt-4o-mini")!;
        var progress = new OutputProgress();
        progress.CaptureText();
        foreach (var piece in new[] { "The quick brown fox ", "jumps over the lazy dog" })
            progress.Observe(Encoding.UTF8.GetBytes($$$"""{"choices":[{"delta":{"content":{{{JsonSerializer.Serialize(piece)}}}}}]}"""));
        Assert.Equal(o200k.Count("The quick brown fox jumps over the lazy dog"), progress.EstimateOutputTokens(o200k));
        Assert.Equal(9, progress.EstimateOutputTokens(o200k));
        // No tokenizer (another provider): about four bytes a token, as before.
        Assert.Equal((43 + 3) / 4, progress.EstimateOutputTokens(null));
    }

    [Fact]
    public void Text_is_not_kept_unless_asked()
    {
        var progress = new OutputProgress();
        progress.Observe("""{"choices":[{"delta":{"content":"hello world"}}]}"""u8);
        Assert.False(progress.CapturesText);
        Assert.Equal(3, progress.EstimateOutputTokens(Shared.ForModel("gpt-4o")));
    }

    [Theory]
    [InlineData("""a\nb""", "a\nb")]
    [InlineData("""say \"hi\" \\ \/""", "say \"hi\" \\ /")]
    [InlineData("""caf\u00e9 \u00E9""", "café é")]
    [InlineData("""\ud83d\ude00!""", "😀!")]
    [InlineData("""lone \ud83d end""", "lone \uFFFD end")]
    [InlineData("""cut \u00""", "cut ")]
    public void Unescapes_json_strings(string raw, string text)
    {
        var buffer = new GeneratedTextBuffer();
        buffer.Append(Encoding.UTF8.GetBytes(raw));
        Assert.Equal(text, buffer.Text());
    }

    [Fact]
    public void Text_past_the_bound_is_counted_by_length()
    {
        var o200k = Shared.ForModel("gpt-4o")!;
        var progress = new OutputProgress();
        progress.CaptureText();
        var piece = new string('a', 1000) + " ";
        var chunk = Encoding.UTF8.GetBytes($$$"""{"choices":[{"delta":{"content":"{{{piece}}}"}}]}""");
        for (var i = 0; i < 100; i++) progress.Observe(chunk);
        var kept = GeneratedTextBuffer.MaxBytes / piece.Length; // whole values only
        var expected = o200k.Count(string.Concat(Enumerable.Repeat(piece, kept))) + ((100 - kept) * piece.Length + 3) / 4;
        Assert.Equal(expected, progress.EstimateOutputTokens(o200k));
        Assert.Equal(100 * piece.Length, progress.TextBytes);
    }

    private static int Prompt(string json, ITokenCounter tokens)
    {
        using var doc = JsonDocument.Parse(json);
        return PromptTokens.Count(doc.RootElement, tokens);
    }

    private static DeploymentConfig Deployment(string provider, string model, string? modelInfo = null) => new()
    {
        ModelName = "m",
        Provider = provider,
        UpstreamModel = model,
        ModelInfo = modelInfo is null ? new() : System.Text.Json.Nodes.JsonNode.Parse(modelInfo)!.AsObject(),
    };
}
