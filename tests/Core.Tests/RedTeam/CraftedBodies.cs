using System.Text;

namespace Gateway.Tests.RedTeam;

/// <summary>
/// The red-team corpus: request bodies crafted to slip past model access, admission or the budget arithmetic. Each is
/// sent with a virtual key allowed only the <c>allowed</c> group. Grow it with every feature that reads a body.
/// </summary>
public static class CraftedBodies
{
    public const string Allowed = "allowed";
    public const string Forbidden = "forbidden";
    /// <summary>A group the key may use whose deployment has no price: a budget could never bind on it.</summary>
    public const string Unpriced = "unpriced";

    private const string Msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    /// <summary>A body as raw bytes, with what it tries: a name for the test output.</summary>
    public sealed record Crafted(string Name, string Path, byte[] Body)
    {
        public override string ToString() => Name;
    }

    private static Crafted Chat(string name, string json) => new(name, "/v1/chat/completions", Encoding.UTF8.GetBytes(json));

    /// <summary>Nested arrays <paramref name="depth"/> deep, as the value of an extra field.</summary>
    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>Bodies naming the forbidden model in some disguise: none may reach it.</summary>
    public static IEnumerable<Crafted> ForbiddenModel()
    {
        // Nesting at and around every reader's limit (System.Text.Json's default 64, our parse's 128) and far past it.
        foreach (var depth in new[] { 62, 63, 64, 65, 66, 126, 127, 128, 129, 130, 1000, 100_000 })
        {
            yield return Chat($"forbidden model, extra field nested {depth} deep", $"{{\"model\":\"{Forbidden}\",{Msgs},\"x\":{Nested(depth)}}}");
            yield return Chat($"forbidden model after a field nested {depth} deep", $"{{\"x\":{Nested(depth)},\"model\":\"{Forbidden}\",{Msgs}}}");
            yield return Chat($"forbidden model, message content nested {depth} deep",
                $"{{\"model\":\"{Forbidden}\",\"messages\":[{{\"role\":\"user\",\"content\":\"hi\",\"x\":{Nested(depth)}}}]}}");
        }
        // Duplicate and escaped keys: two readers that keep different duplicates would disagree.
        yield return Chat("allowed then forbidden model key", $"{{\"model\":\"{Allowed}\",\"model\":\"{Forbidden}\",{Msgs}}}");
        yield return Chat("forbidden then allowed model key", $"{{\"model\":\"{Forbidden}\",\"model\":\"{Allowed}\",{Msgs}}}");
        yield return Chat("escaped duplicate model key", $"{{\"model\":\"{Allowed}\",\"m\\u006fdel\":\"{Forbidden}\",{Msgs}}}");
        yield return Chat("escaped duplicate model key first", $"{{\"m\\u006fdel\":\"{Forbidden}\",\"model\":\"{Allowed}\",{Msgs}}}");
        yield return Chat("escaped model key alone", $"{{\"m\\u006fdel\":\"{Forbidden}\",{Msgs}}}");
        yield return Chat("escaped model value", $"{{\"model\":\"forb\\u0069dden\",{Msgs}}}");
        yield return Chat("duplicate model key nested in a duplicate object", $"{{\"model\":\"{Allowed}\",{Msgs},\"metadata\":{{\"a\":1}},\"metadata\":{{\"model\":\"{Forbidden}\"}}}}");
        yield return new Crafted("BOM then forbidden model", "/v1/chat/completions", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"{{\"model\":\"{Forbidden}\",{Msgs}}}")]);
        yield return new Crafted("two BOMs then forbidden model", "/v1/chat/completions", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"{{\"model\":\"{Forbidden}\",{Msgs}}}")]);
        yield return Chat("model key with a trailing space", $"{{\"model \":\"{Forbidden}\",{Msgs}}}");
        yield return Chat("model as an array", $"{{\"model\":[\"{Allowed}\",\"{Forbidden}\"],{Msgs}}}");
        yield return Chat("model as an object", $"{{\"model\":{{\"name\":\"{Forbidden}\"}},{Msgs}}}");
        yield return Chat("forbidden model with a NUL suffix", $"{{\"model\":\"{Forbidden}\\u0000\",{Msgs}}}");
        yield return Chat("forbidden model, trailing garbage after the object", $"{{\"model\":\"{Forbidden}\",{Msgs}}} {{\"model\":\"{Allowed}\"}}");
        yield return Chat("forbidden model in a JSON comment-free body with trailing comma", $"{{\"model\":\"{Forbidden}\",{Msgs},}}");
        yield return new Crafted("embeddings of the forbidden model", "/v1/embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{Forbidden}\",\"input\":\"hi\"}}"));
        yield return new Crafted("embeddings, duplicate model key", "/v1/embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"model\":\"{Forbidden}\",\"input\":\"hi\"}}"));
        yield return new Crafted("messages API, forbidden model", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Forbidden}\",\"max_tokens\":10,{Msgs}}}"));
        yield return new Crafted("messages API, duplicate model key", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"max_tokens\":10,{Msgs},\"model\":\"{Forbidden}\"}}"));
        yield return new Crafted("messages API, deep nesting", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Forbidden}\",\"max_tokens\":10,{Msgs},\"x\":{Nested(129)}}}"));
        yield return new Crafted("count_tokens, forbidden model", "/v1/messages/count_tokens", Encoding.UTF8.GetBytes($"{{\"model\":\"{Forbidden}\",{Msgs}}}"));
    }

    private static Crafted Responses(string name, string json) => new(name, "/v1/responses", Encoding.UTF8.GetBytes(json));

    private static Crafted Completions(string name, string json) => new(name, "/v1/completions", Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// <c>/v1/responses</c> and <c>/v1/completions</c> bodies that name the forbidden model in disguise, hide a model in
    /// their items, or carry numbers meant to break the reservation: each is refused before admission.
    /// </summary>
    public static IEnumerable<Crafted> ResponsesAndCompletions()
    {
        yield return Responses("responses, forbidden model", $"{{\"model\":\"{Forbidden}\",\"input\":\"hi\"}}");
        yield return Responses("responses, allowed then forbidden model key", $"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"model\":\"{Forbidden}\"}}");
        yield return Responses("responses, escaped duplicate model key", $"{{\"model\":\"{Allowed}\",\"m\\u006fdel\":\"{Forbidden}\",\"input\":\"hi\"}}");
        yield return Responses("responses, forbidden model with the allowed one named in an input item",
            $"{{\"model\":\"{Forbidden}\",\"input\":[{{\"type\":\"message\",\"role\":\"user\",\"content\":\"hi\",\"model\":\"{Allowed}\"}}]}}");
        yield return Responses("responses, forbidden model, streamed", $"{{\"model\":\"{Forbidden}\",\"input\":\"hi\",\"stream\":true}}");
        yield return Responses("responses, through the alias", $"{{\"model\":\"{ForbiddenAlias}\",\"input\":\"hi\"}}");
        yield return Responses("responses, forbidden fallback", $"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"fallbacks\":[\"{Forbidden}\"],\"mock_testing_fallbacks\":true}}");
        yield return Responses("responses, input nested 129 deep", $"{{\"model\":\"{Forbidden}\",\"input\":\"hi\",\"x\":{Nested(129)}}}");
        foreach (var value in new[] { "-1", "0", "1.5", "\"100\"", "1e20", "2147483648" })
            yield return Responses($"responses, max_output_tokens = {value}", $"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"max_output_tokens\":{value}}}");
        yield return Responses("responses, max_output_tokens past any budget", $"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"max_output_tokens\":2147483647}}");
        yield return Responses("responses, a previous_response_id that was never made", $"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"previous_response_id\":\"resp_nope\"}}");
        yield return Responses("responses, input items of the wrong type", $"{{\"model\":\"{Allowed}\",\"input\":[\"hi\"]}}");
        yield return Responses("responses, a function call with object arguments",
            $"{{\"model\":\"{Allowed}\",\"input\":[{{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{{}}}}]}}");
        yield return Responses("responses, blocked end user", $"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"user\":\"{BlockedEndUser}\"}}");
        yield return Completions("completions, forbidden model", $"{{\"model\":\"{Forbidden}\",\"prompt\":\"hi\"}}");
        yield return Completions("completions, duplicate model key", $"{{\"model\":\"{Allowed}\",\"prompt\":\"hi\",\"model\":\"{Forbidden}\"}}");
        yield return Completions("completions, max_tokens negative", $"{{\"model\":\"{Allowed}\",\"prompt\":\"hi\",\"max_tokens\":-1}}");
        yield return Completions("completions, best_of 21", $"{{\"model\":\"{Allowed}\",\"prompt\":\"hi\",\"best_of\":21}}");
        yield return Completions("completions, n 128 x max_tokens 2^31-1", $"{{\"model\":\"{Allowed}\",\"prompt\":\"hi\",\"n\":128,\"max_tokens\":2147483647}}");
        yield return Completions("completions, no prompt", $"{{\"model\":\"{Allowed}\"}}");
    }

    /// <summary>
    /// Bodies that name the forbidden model as a fallback (the body's <c>fallbacks</c>), with and without the test flags
    /// that force a fallback: each is refused before admission, and the forbidden model is never called.
    /// </summary>
    public static IEnumerable<Crafted> FallbackDisguises()
    {
        yield return Chat("forbidden model as a request fallback", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"{Forbidden}\"]}}");
        yield return Chat("forbidden request fallback forced by mock_testing_fallbacks", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"{Forbidden}\"],\"mock_testing_fallbacks\":true}}");
        yield return Chat("forbidden request fallback after an allowed one", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"{Allowed}\",\"{Forbidden}\"],\"mock_testing_fallbacks\":true}}");
        yield return Chat("forbidden request fallback, escaped", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"forb\\u0069dden\"],\"mock_testing_fallbacks\":true}}");
        yield return Chat("forbidden request fallback, upper case", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"FORBIDDEN\"],\"mock_testing_fallbacks\":true}}");
        yield return Chat("forbidden request fallback through the key's alias", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"{ForbiddenAlias}\"],\"mock_testing_fallbacks\":true}}");
        yield return Chat("request fallbacks as LiteLLM's config mapping", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[{{\"{Allowed}\":[\"{Forbidden}\"]}}],\"mock_testing_fallbacks\":true}}");
        yield return Chat("request fallbacks as a string", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":\"{Forbidden}\",\"mock_testing_fallbacks\":true}}");
        yield return Chat("duplicate fallbacks key", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"{Allowed}\"],\"fallbacks\":[\"{Forbidden}\"],\"mock_testing_fallbacks\":true}}");
        yield return Chat("escaped duplicate fallbacks key", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[],\"f\\u0061llbacks\":[\"{Forbidden}\"],\"mock_testing_fallbacks\":true}}");
        yield return Chat("mock_testing_fallbacks as a string", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"{Forbidden}\"],\"mock_testing_fallbacks\":\"true\"}}");
        yield return Chat("forbidden context-window fallback by flag", $"{{\"model\":\"{Allowed}\",{Msgs},\"fallbacks\":[\"{Forbidden}\"],\"mock_testing_context_window_fallbacks\":true}}");
        yield return Chat("forbidden fallback, streamed", $"{{\"model\":\"{Allowed}\",{Msgs},\"stream\":true,\"fallbacks\":[\"{Forbidden}\"],\"mock_testing_fallbacks\":true}}");
        yield return new Crafted("embeddings with a forbidden fallback", "/v1/embeddings",
            Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"fallbacks\":[\"{Forbidden}\"],\"mock_testing_fallbacks\":true}}"));
        yield return new Crafted("messages API with a forbidden fallback", "/v1/messages",
            Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"max_tokens\":10,{Msgs},\"fallbacks\":[\"{Forbidden}\"],\"mock_testing_fallbacks\":true}}"));
    }

    /// <summary>
    /// Bodies that try to reach the unpriced group with a budgeted key, which would book $0 and never bind the budget:
    /// every spelling, endpoint and duplicate-key trick must be refused (with the default <c>unpriced_model_policy</c>).
    /// </summary>
    public static IEnumerable<Crafted> UnpricedModel()
    {
        yield return Chat("unpriced model by name", $"{{\"model\":\"{Unpriced}\",{Msgs}}}");
        yield return Chat("unpriced model, escaped value", $"{{\"model\":\"unpr\\u0069ced\",{Msgs}}}");
        yield return Chat("unpriced model, upper case", $"{{\"model\":\"UNPRICED\",{Msgs}}}");
        yield return Chat("unpriced model, trailing space", $"{{\"model\":\"{Unpriced} \",{Msgs}}}");
        yield return Chat("allowed then unpriced model key", $"{{\"model\":\"{Allowed}\",\"model\":\"{Unpriced}\",{Msgs}}}");
        yield return Chat("escaped duplicate model key naming the unpriced model", $"{{\"model\":\"{Allowed}\",\"m\\u006fdel\":\"{Unpriced}\",{Msgs}}}");
        yield return Chat("unpriced model with max_tokens 1", $"{{\"model\":\"{Unpriced}\",{Msgs},\"max_tokens\":1}}");
        yield return Chat("unpriced model, streamed", $"{{\"model\":\"{Unpriced}\",{Msgs},\"stream\":true}}");
        yield return Chat("unpriced model, n 2", $"{{\"model\":\"{Unpriced}\",{Msgs},\"n\":2}}");
        yield return Chat("unpriced model named in metadata only", $"{{\"model\":\"{Unpriced}\",{Msgs},\"metadata\":{{\"model\":\"{Allowed}\"}}}}");
        yield return new Crafted("embeddings of the unpriced model", "/v1/embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{Unpriced}\",\"input\":\"hi\"}}"));
        yield return new Crafted("messages API, unpriced model", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Unpriced}\",\"max_tokens\":10,{Msgs}}}"));
        yield return new Crafted("messages API, streamed unpriced model", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Unpriced}\",\"max_tokens\":10,\"stream\":true,{Msgs}}}"));
    }

    /// <summary>Bodies for the allowed model whose numbers try to break the budget arithmetic or validation.</summary>
    public static IEnumerable<Crafted> BadNumbers()
    {
        foreach (var field in new[] { "max_tokens", "max_completion_tokens" })
            foreach (var value in new[] { "-2000000000", "-1", "0", "1.5", "\"100\"", "1e20", "-1e20", "2147483648", "9223372036854775808", "true", "[]", "{}" })
                yield return Chat($"{field} = {value}", $"{{\"model\":\"{Allowed}\",{Msgs},\"{field}\":{value}}}");
        foreach (var value in new[] { "0", "-1", "129", "1.5", "\"2\"", "1e20" })
            yield return Chat($"n = {value}", $"{{\"model\":\"{Allowed}\",{Msgs},\"n\":{value}}}");
        // n x max_tokens past any budget: the worst case saturates into a 400, never an overflow.
        yield return Chat("n 128 x max_tokens 2^31-1", $"{{\"model\":\"{Allowed}\",{Msgs},\"n\":128,\"max_tokens\":2147483647}}");
        yield return Chat("n 128 x max_completion_tokens 2^31-1", $"{{\"model\":\"{Allowed}\",{Msgs},\"n\":128,\"max_completion_tokens\":2147483647}}");
        yield return new Crafted("messages API, max_tokens negative", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"max_tokens\":-2000000000,{Msgs}}}"));
        yield return new Crafted("messages API, max_tokens 1e20", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"max_tokens\":1e20,{Msgs}}}"));
        yield return new Crafted("messages API, max_tokens missing", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",{Msgs}}}"));
        yield return new Crafted("messages API, max_tokens 2^31-1", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"max_tokens\":2147483647,{Msgs}}}"));
    }

    /// <summary>A wrong type or value for every field the gateway validates.</summary>
    public static IEnumerable<Crafted> WrongTypes()
    {
        (string Field, string Value)[] cases =
        [
            ("temperature", "\"hot\""), ("temperature", "2.5"), ("temperature", "-0.1"), ("top_p", "true"), ("top_p", "1.1"),
            ("presence_penalty", "[]"), ("presence_penalty", "3"), ("frequency_penalty", "{}"), ("frequency_penalty", "-2.5"),
            ("stop", "5"), ("stop", "[\"a\",\"b\",\"c\",\"d\",\"e\"]"), ("stop", "[1]"),
            ("tools", "\"x\""), ("tools", "[\"x\"]"), ("tools", "[{\"type\":\"function\"}]"), ("tools", "[{\"type\":\"function\",\"function\":{\"name\":\"bad name!\"}}]"),
            ("tools", "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":\"x\"}}]"), ("tools", "[{}]"),
            ("tool_choice", "5"), ("tool_choice", "\"sometimes\""), ("tool_choice", "{\"type\":\"function\"}"), ("tool_choice", "{\"type\":\"function\",\"function\":{}}"),
            ("response_format", "\"json\""), ("response_format", "{\"type\":\"xml\"}"), ("response_format", "{\"type\":\"json_schema\"}"), ("response_format", "{\"type\":5}"),
            ("logit_bias", "[]"), ("logit_bias", "{\"50256\":\"x\"}"), ("logit_bias", "{\"50256\":101}"),
            ("stream", "\"true\""), ("stream_options", "{\"include_usage\":true}"), ("seed", "1.5"), ("seed", "\"1\""), ("user", "5"),
            ("logprobs", "\"yes\""), ("top_logprobs", "21"), ("parallel_tool_calls", "1"),
        ];
        foreach (var (field, value) in cases)
            yield return Chat($"{field} = {value}", $"{{\"model\":\"{Allowed}\",{Msgs},\"{field}\":{value}}}");
        string[] messages =
        [
            "\"hi\"", "[]", "[\"hi\"]", "[{\"content\":\"x\"}]", "[{\"role\":\"wizard\",\"content\":\"x\"}]", "[{\"role\":\"user\"}]",
            "[{\"role\":\"user\",\"content\":5}]", "[{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}]", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]",
            "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"http://x\"}]}]", "[{\"role\":\"tool\",\"content\":\"x\"}]",
            "[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x\"}}]}]",
        ];
        foreach (var m in messages)
            yield return Chat($"messages = {m}", $"{{\"model\":\"{Allowed}\",\"messages\":{m}}}");
        foreach (var raw in new[] { "", "null", "[]", "\"model\"", "{", "{\"model\":\"allowed\"", "\u00ff\u00fe" })
            yield return Chat($"body = {raw}", raw);
    }

    /// <summary>An alias the key's admin set by mistake to a model outside the key's list: the alias must not open it.</summary>
    public const string ForbiddenAlias = "sneaky";

    /// <summary>A blocked end user; <see cref="EndUserDisguises"/> name it so that a second reader might miss it.</summary>
    public const string BlockedEndUser = "blocked-eu";

    /// <summary>Bodies that try to reach a forbidden model through an alias, or to slip a blocked end user past the check.</summary>
    public static IEnumerable<Crafted> AliasAndEndUserDisguises()
    {
        yield return Chat("alias that maps to the forbidden model", $"{{\"model\":\"{ForbiddenAlias}\",{Msgs}}}");
        yield return Chat("alias, escaped", $"{{\"model\":\"sn\\u0065aky\",{Msgs}}}");
        yield return new Crafted("embeddings through the alias", "/v1/embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{ForbiddenAlias}\",\"input\":\"hi\"}}"));
        yield return new Crafted("messages API through the alias", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{ForbiddenAlias}\",\"max_tokens\":10,{Msgs}}}"));
        yield return Chat("blocked end user", $"{{\"model\":\"{Allowed}\",{Msgs},\"user\":\"{BlockedEndUser}\"}}");
        yield return Chat("blocked end user, escaped key", $"{{\"model\":\"{Allowed}\",{Msgs},\"us\\u0065r\":\"{BlockedEndUser}\"}}");
        yield return Chat("blocked end user, escaped value", $"{{\"model\":\"{Allowed}\",{Msgs},\"user\":\"bl\\u006fcked-eu\"}}");
        yield return Chat("another user, then the blocked one", $"{{\"model\":\"{Allowed}\",{Msgs},\"user\":\"ok-eu\",\"user\":\"{BlockedEndUser}\"}}");
        yield return Chat("the blocked user, then another", $"{{\"model\":\"{Allowed}\",{Msgs},\"user\":\"{BlockedEndUser}\",\"us\\u0065r\":\"ok-eu\"}}");
        yield return Chat("end user as a list", $"{{\"model\":\"{Allowed}\",{Msgs},\"user\":[\"ok-eu\",\"{BlockedEndUser}\"]}}");
        yield return Chat("end user as an object", $"{{\"model\":\"{Allowed}\",{Msgs},\"user\":{{\"id\":\"{BlockedEndUser}\"}}}}");
        yield return new Crafted("embeddings for the blocked end user", "/v1/embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"user\":\"{BlockedEndUser}\"}}"));
    }

    /// <summary>
    /// Bodies aimed at the model group's default params (the <c>allowed</c> group defaults <c>max_tokens</c> and
    /// <c>temperature</c> and drops <c>metadata</c>): a default must never replace the client's own cap or lower the
    /// reservation, and the rewrite must not let a body name another model.
    /// </summary>
    public static IEnumerable<Crafted> AgainstDefaults()
    {
        yield return Chat("escaped max_tokens key, huge, n 128 (the default must not replace it)", $"{{\"model\":\"{Allowed}\",{Msgs},\"max\\u005ftokens\":2147483647,\"n\":128}}");
        yield return Chat("huge max_completion_tokens beside the default max_tokens", $"{{\"model\":\"{Allowed}\",{Msgs},\"max_completion_tokens\":2147483647,\"n\":128}}");
        yield return Chat("explicit null max_tokens, n 128 past the budget (no default lowers the reservation)", $"{{\"model\":\"{Allowed}\",{Msgs},\"max_tokens\":null,\"n\":128}}");
        yield return Chat("duplicate defaulted key", $"{{\"model\":\"{Allowed}\",{Msgs},\"temperature\":1,\"temperature\":1}}");
        yield return Chat("forbidden model hidden under a dropped field", $"{{\"model\":\"{Forbidden}\",{Msgs},\"metadata\":{{\"model\":\"{Allowed}\"}}}}");
        yield return Chat("defaulted key with an out-of-range value", $"{{\"model\":\"{Allowed}\",{Msgs},\"temperature\":9}}");
    }

    /// <summary>
    /// Bodies aimed at cap mode (<c>budget_enforcement: cap</c>) on a model whose upstream ignores its output cap and
    /// reports what it really wrote: none may book past the budget, leave anything reserved, or send the upstream a
    /// larger cap than the call reserved. Sent to <paramref name="model"/>; some are served (lowered), some refused.
    /// </summary>
    public static IEnumerable<Crafted> AgainstCap(string model)
    {
        var msgs = Msgs;
        Crafted C(string name, string extra) => Chat(name, $"{{\"model\":\"{model}\",{msgs}{extra}}}");
        yield return C("huge max_tokens", ",\"max_tokens\":1000000");
        yield return C("huge max_completion_tokens", ",\"max_completion_tokens\":1000000");
        yield return C("max_tokens 2^31-1", ",\"max_tokens\":2147483647");
        yield return C("negative max_tokens", ",\"max_tokens\":-5");
        yield return C("max_tokens as a string", ",\"max_tokens\":\"5\"");
        yield return C("max_tokens 0", ",\"max_tokens\":0");
        yield return C("small max_completion_tokens beside a huge max_tokens", ",\"max_completion_tokens\":2,\"max_tokens\":1000000");
        yield return C("huge max_completion_tokens beside a small max_tokens", ",\"max_completion_tokens\":1000000,\"max_tokens\":2");
        yield return C("escaped max_tokens key, huge", ",\"max\\u005ftokens\":1000000");
        yield return C("duplicate max_tokens, small then huge", ",\"max_tokens\":1,\"max_tokens\":1000000");
        yield return C("n 8, no cap", ",\"n\":8");
        yield return C("n 128, huge max_tokens", ",\"n\":128,\"max_tokens\":1000000");
        yield return C("stream, no cap", ",\"stream\":true");
        yield return C("stream with usage, huge max_tokens", ",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":1000000");
        yield return C("stream, n 4", ",\"stream\":true,\"n\":4");
        yield return new Crafted("messages API, huge max_tokens", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"max_tokens\":1000000,{msgs}}}"));
        yield return new Crafted("messages API, streamed, huge max_tokens", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"max_tokens\":1000000,\"stream\":true,{msgs}}}"));
    }

    /// <summary>
    /// <c>cache</c> objects sent with a key whose <c>allowed_cache_controls</c> is only <c>no-cache</c>: no spelling,
    /// duplicate or type trick may set another control (a longer TTL, skipping the store, another namespace), on any route.
    /// </summary>
    public static IEnumerable<Crafted> CacheControlBypasses()
    {
        string[] objects =
        [
            "{\"no-store\":true}", "{\"n\\u006f-store\":true}", "{\"ttl\":600}", "{\"t\\u0074l\":600}", "{\"s-maxage\":0}", "{\"s-max-age\":0}",
            "{\"namespace\":\"other\"}", "{\"use-cache\":false}", "{\"no-cache\":true,\"no-store\":true}", "{\"no-cache\":true,\"no-cache\":false}",
            "{\"no-cache\":true,\"n\\u006f-cache\":false}", "{\"No-Store\":true}", "{\"no_store\":true}", "{\"no-store \":true}", "{\"cache\":{\"no-store\":true}}",
            "{\"ttl\":1e309}", "{\"ttl\":-1}", "{\"ttl\":99999999999}", "{\"ttl\":\"600\"}", "{\"ttl\":null}", "{\"no-cache\":\"true\"}",
            "\"no-store\"", "[\"no-store\"]", "true", "1",
        ];
        foreach (var o in objects)
        {
            yield return Chat($"cache = {o}", $"{{\"model\":\"{Allowed}\",{Msgs},\"cache\":{o}}}");
            yield return new Crafted($"messages API, cache = {o}", "/v1/messages", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"max_tokens\":10,{Msgs},\"cache\":{o}}}"));
            yield return new Crafted($"embeddings, cache = {o}", "/v1/embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{Allowed}\",\"input\":\"hi\",\"cache\":{o}}}"));
        }
        yield return Chat("two cache objects, the allowed one first", $"{{\"model\":\"{Allowed}\",{Msgs},\"cache\":{{\"no-cache\":true}},\"cache\":{{\"no-store\":true}}}}");
        yield return Chat("escaped cache key beside the allowed one", $"{{\"model\":\"{Allowed}\",{Msgs},\"cache\":{{\"no-cache\":true}},\"c\\u0061che\":{{\"ttl\":600}}}}");
        yield return Chat("cache object on the forbidden model", $"{{\"model\":\"{Forbidden}\",{Msgs},\"cache\":{{\"no-cache\":true}}}}");
    }

    /// <summary>
    /// Bodies that try to mint new metric series: made-up models, a label-breaking model name, and end users and
    /// metadata that would each be a series if copied into labels. Sent to a gateway serving <paramref name="model"/>.
    /// </summary>
    public static IEnumerable<Crafted> MetricLabelFloods(string model)
    {
        for (var i = 0; i < 5; i++)
            yield return Chat($"made-up model {i}", $"{{\"model\":\"no-such-model-{i}\",{Msgs}}}");
        yield return Chat("model name that breaks a label", $"{{\"model\":\"x\\\"}} 1\\nfake_metric 9\",{Msgs}}}");
        for (var i = 0; i < 5; i++)
            yield return Chat($"end user {i}", $"{{\"model\":\"{model}\",{Msgs},\"user\":\"flood-user-{i}\",\"metadata\":{{\"request_id\":\"r{i}\"}}}}");
    }

    /// <summary>
    /// Requests to the alert routes that try to read another subject, send an alert somewhere of their choosing, or break
    /// the filters. Body null: a GET. With a virtual key every one is a 403; with the master key each malformed one is a
    /// 400 naming its parameter, and no request leaves for a URL the caller named.
    /// </summary>
    public static IEnumerable<(string Name, HttpMethod Method, string PathAndQuery, int MasterStatus)> AlertRoutes(string otherKeyHash)
    {
        yield return ("alert history", HttpMethod.Get, "/alerts", 200);
        yield return ("alert history, unknown type", HttpMethod.Get, "/alerts?type=budget_alerts%00", 400);
        yield return ("alert history, limit zero", HttpMethod.Get, "/alerts?limit=0", 400);
        yield return ("alert history, limit past the cap", HttpMethod.Get, "/alerts?limit=1000000", 400);
        yield return ("alert history, negative limit", HttpMethod.Get, "/alerts?limit=-1", 400);
        yield return ("alert history, since not a time", HttpMethod.Get, "/alerts?since=yesterday'--", 400);
        yield return ("test alert to a channel that is a URL", HttpMethod.Post, "/alerts/test?channel=https%3A%2F%2Fevil.example%2Fhook", 400);
        yield return ("test alert, channel with a header break", HttpMethod.Post, "/alerts/test?channel=webhook%0d%0aHost:%20evil.example", 400);
        yield return ("test alert, channel upper case", HttpMethod.Post, "/alerts/test?channel=WEBHOOK", 400);
        yield return ("test alert, no channel", HttpMethod.Post, "/alerts/test", 400);
        yield return ("forecast of another key", HttpMethod.Get, "/spend/forecast?key=" + otherKeyHash, 200);
        yield return ("forecast naming two subjects", HttpMethod.Get, $"/spend/forecast?key={otherKeyHash}&team=t", 400);
        yield return ("forecast naming nothing", HttpMethod.Get, "/spend/forecast", 400);
        yield return ("forecast of a key that does not exist", HttpMethod.Get, "/spend/forecast?key=sk-not-a-key", 404);
    }
}
