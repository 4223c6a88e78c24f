using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Conformance;

/// <summary>What an OpenAI client got, from a completion body or from a stream's chunks: text, calls, finish, usage.</summary>
public sealed record ConformanceOutcome(string Text, List<(string Id, string Name, string Arguments)> Calls, string? Finish, JsonElement? Usage)
{
    public static ConformanceOutcome FromCompletion(string body)
    {
        var root = JsonDocument.Parse(body).RootElement;
        var choice = root.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        var calls = message.TryGetProperty("tool_calls", out var tc)
            ? tc.EnumerateArray().Select(c => (c.GetProperty("id").GetString()!, c.GetProperty("function").GetProperty("name").GetString()!, c.GetProperty("function").GetProperty("arguments").GetString()!)).ToList()
            : [];
        var text = message.GetProperty("content").ValueKind == JsonValueKind.String ? message.GetProperty("content").GetString()! : "";
        return new(text, calls, choice.GetProperty("finish_reason").GetString(), root.GetProperty("usage"));
    }

    public static ConformanceOutcome FromStream(string body)
    {
        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Args)>();
        string? finish = null;
        JsonElement? usage = null;
        var events = Sse.Parse(body);
        Assert.Equal("[DONE]", events[^1]);
        foreach (var e in events.SkipLast(1))
        {
            var root = JsonDocument.Parse(e).RootElement;
            Assert.Equal("chat.completion.chunk", root.GetProperty("object").GetString());
            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object) usage = u;
            var choices = root.GetProperty("choices");
            if (choices.GetArrayLength() == 0) continue;
            var choice = choices[0];
            if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) finish = f.GetString();
            var delta = choice.GetProperty("delta");
            if (delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String) text.Append(c.GetString());
            if (!delta.TryGetProperty("tool_calls", out var tcs)) continue;
            foreach (var t in tcs.EnumerateArray())
            {
                var index = t.GetProperty("index").GetInt32();
                var fn = t.TryGetProperty("function", out var x) ? x : default;
                if (!calls.TryGetValue(index, out var call))
                {
                    // The first fragment of each call must carry its id and name.
                    call = (t.GetProperty("id").GetString()!, fn.GetProperty("name").GetString()!, new StringBuilder());
                    calls[index] = call;
                }
                if (fn.ValueKind == JsonValueKind.Object && fn.TryGetProperty("arguments", out var a)) call.Args.Append(a.GetString());
            }
        }
        return new(text.ToString(), calls.Values.Select(c => (c.Id, c.Name, c.Args.ToString())).ToList(), finish, usage);
    }
}
