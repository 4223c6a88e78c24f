using System.Text.Json.Nodes;
using Gateway.Chat;
using Gateway.Config.Yaml;
using Gateway.Embeddings;
using Gateway.Http;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>
/// OpenAI request params written in <c>litellm_params</c> (<c>temperature</c>, <c>max_tokens</c>, ...), which LiteLLM
/// sends on every call that does not set them itself, and <c>additional_drop_params</c>, the fields never sent. Defaults
/// are checked at start-up by OpenAI's own rules, so a bad one fails the config, not every call.
/// </summary>
internal sealed class RequestParamsReader(YamlFields fields, ConfigDiagnostics report)
{
    /// <summary>Chat params a deployment may default.</summary>
    public static readonly IReadOnlySet<string> ChatKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "temperature", "top_p", "top_k", "max_tokens", "max_completion_tokens", "stop", "seed", "response_format",
        "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "n", "user", "tools",
        "tool_choice", "parallel_tool_calls", "reasoning_effort", "thinking", "service_tier", "verbosity",
    };

    /// <summary>Embedding params a deployment may default.</summary>
    public static readonly IReadOnlySet<string> EmbeddingKeys = new HashSet<string>(StringComparer.Ordinal) { "dimensions", "encoding_format" };

    /// <summary>Fields that make a request what it is; dropping them would break every call.</summary>
    private static readonly HashSet<string> Undroppable = ["model", "messages", "input", "stream"];

    public static bool IsDefaultKey(string key) => ChatKeys.Contains(key) || EmbeddingKeys.Contains(key);

    private readonly JsonObject _defaults = new();

    public void ReadDefault(YamlMappingNode p, string key, string f)
    {
        if (YamlFields.Child(p, key) is { } node && !YamlValues.IsNull(node) && fields.Json(node, $"{f}.{key}") is { } value)
            _defaults[key] = value;
    }

    /// <summary>The defaults read, each checked as a client's value would be; an invalid one is a problem naming it.</summary>
    public JsonObject Defaults(YamlMappingNode p, string f)
    {
        Check(p, f, ChatKeys, """{"model":"probe","messages":[{"role":"user","content":"probe"}]}""", b => ChatRequest.Parse(b).Dispose());
        Check(p, f, EmbeddingKeys, """{"model":"probe","input":"probe"}""", b => EmbeddingsRequest.Parse(b).Dispose());
        return _defaults;
    }

    /// <summary><c>additional_drop_params</c>: a list of top-level request fields removed before the call is sent.</summary>
    public IReadOnlyList<string> DropList(YamlMappingNode p, string f)
    {
        var field = $"{f}.additional_drop_params";
        if (YamlFields.Child(p, "additional_drop_params") is not { } node || YamlValues.IsNull(node)) return [];
        if (fields.Json(node, field) is not JsonArray list)
        {
            report.Problem(node, $"{field}: must be a list of request field names");
            return [];
        }
        var names = new List<string>();
        foreach (var item in list)
        {
            var name = item is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (string.IsNullOrEmpty(name)) report.Problem(node, $"{field}: each entry must be a request field name");
            else if (Undroppable.Contains(name)) report.Problem(node, $"{field}: '{name}' cannot be dropped; every request needs it");
            else names.Add(name);
        }
        return names;
    }

    private void Check(YamlMappingNode p, string f, IReadOnlySet<string> keys, string probe, Action<byte[]> parse)
    {
        var body = JsonNode.Parse(probe)!.AsObject();
        foreach (var (k, v) in _defaults)
            if (keys.Contains(k)) body[k] = v?.DeepClone();
        if (body.Count == 2) return;
        try
        {
            parse(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));
        }
        catch (GatewayException e)
        {
            var key = e.Param?.Split('.', '[')[0];
            var at = key is not null && YamlFields.Child(p, key) is { } node ? node : p;
            report.Problem(at, $"{f}.{e.Param ?? "litellm_params"}: not a valid default: {e.Message}");
        }
    }
}
