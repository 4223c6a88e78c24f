namespace Gateway.Tests.Conformance;

/// <summary>How an answer ended, in provider-neutral terms; each target writes its own native reason.</summary>
public enum Finish { Stop, StopSequence, Length, ToolCalls, ContentFilter }

/// <summary>Usage as the OpenAI client should see it (prompt includes cached tokens); targets write their native counts.</summary>
public sealed record Usage(int Prompt, int Completion, int Cached = 0);

/// <summary>What the fake upstream answers, described once for every provider.</summary>
public abstract record Reply;

/// <summary>A text answer, streamed in <paramref name="Pieces"/>. <paramref name="Json"/>: it answers a JSON-schema request.</summary>
public sealed record TextReply(string[] Pieces, Finish Finish, Usage Usage, bool Json = false) : Reply
{
    public string Text => string.Concat(Pieces);
}

public sealed record ToolReply((string Name, string Arguments)[] Calls, Usage Usage) : Reply;

/// <summary>An upstream error of one class: 400 bad request, 401 auth, 429 rate limit, 500 server error.</summary>
public sealed record ErrorReply(int Status) : Reply;

/// <summary>One conformance case: an OpenAI request body (without model and stream) and the upstream's reply.</summary>
public sealed record ConformanceCase(string Name, string Request, Reply Reply)
{
    public override string ToString() => Name;
}

/// <summary>The table every provider runs.</summary>
public static class ConformanceCases
{
    private const string WeatherTool = """{"type":"function","function":{"name":"get_weather","description":"Weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";
    private const string TwoCalls = """[{"id":"call_P","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_N","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Nowhere\"}"}}]""";

    public static readonly ConformanceCase[] All =
    [
        new("plain_chat", """{"messages":[{"role":"user","content":"Say hello."}]}""",
            new TextReply(["Hel", "lo!"], Finish.Stop, new Usage(12, 3))),
        new("system_only", """{"messages":[{"role":"system","content":"Say hi."}]}""",
            new TextReply(["Hi."], Finish.Stop, new Usage(8, 2))),
        new("parallel_tool_calls", $$$"""{"messages":[{"role":"system","content":"Use tools."},{"role":"user","content":"Weather in Paris and Tokyo?"}],"tools":[{{{WeatherTool}}}]}""",
            new ToolReply([("get_weather", """{"city":"Paris"}"""), ("get_weather", """{"city":"Tokyo"}""")], new Usage(90, 30))),
        new("tool_result_with_error", $$$"""{"messages":[{"role":"user","content":"Weather in Paris and Nowhere?"},{"role":"assistant","content":null,"tool_calls":{{{TwoCalls}}}},{"role":"tool","tool_call_id":"call_P","content":"18C"},{"role":"tool","tool_call_id":"call_N","content":"unknown city","is_error":true}],"tools":[{{{WeatherTool}}}]}""",
            new TextReply(["Paris is 18C; ", "Nowhere failed."], Finish.Stop, new Usage(140, 9))),
        new("empty_assistant_content_with_tool_calls", $$$"""{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":"","tool_calls":[{"id":"call_P","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_P","content":"18C"}],"tools":[{{{WeatherTool}}}]}""",
            new TextReply(["18C in Paris."], Finish.Stop, new Usage(100, 5))),
        new("image", """{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}}]}]}""",
            new TextReply(["A tiny ", "image."], Finish.Stop, new Usage(270, 4))),
        new("json_schema_output", """{"messages":[{"role":"user","content":"What is 6*7?"}],"response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"],"additionalProperties":false}}}}""",
            new TextReply(["{\"answer\":", "42}"], Finish.Stop, new Usage(30, 6), Json: true)),
        new("stop_sequence", """{"messages":[{"role":"user","content":"Count to five."}],"stop":["4"]}""",
            new TextReply(["1, 2, ", "3, "], Finish.StopSequence, new Usage(11, 6))),
        new("length_cutoff", """{"messages":[{"role":"user","content":"Tell a long story."}],"max_tokens":5}""",
            new TextReply(["Once upon ", "a time"], Finish.Length, new Usage(13, 5))),
        new("usage_with_cache_tokens", """{"messages":[{"role":"system","content":"A very long cached policy."},{"role":"user","content":"Summarise."}]}""",
            new TextReply(["Summary."], Finish.Stop, new Usage(2100, 3, Cached: 2048))),
        new("error_400_bad_request", """{"messages":[{"role":"user","content":"x"}]}""", new ErrorReply(400)),
        new("error_401_auth", """{"messages":[{"role":"user","content":"x"}]}""", new ErrorReply(401)),
        new("error_429_rate_limit", """{"messages":[{"role":"user","content":"x"}]}""", new ErrorReply(429)),
        new("error_500_server", """{"messages":[{"role":"user","content":"x"}]}""", new ErrorReply(500)),
    ];
}
