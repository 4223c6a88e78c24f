namespace Gateway.Tests.Support;

/// <summary>Splits an SSE body into its data payloads (test-side, independent of the gateway's reader).</summary>
public static class Sse
{
    public static List<string> Parse(string body) => body
        .Replace("\r\n", "\n")
        .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
        .Select(e => string.Join("\n", e.Split('\n').Where(l => l.StartsWith("data:")).Select(l => l[5..].TrimStart(' '))))
        .Where(d => d.Length > 0)
        .ToList();

    /// <summary>Reads a streamed body until <paramref name="text"/> has arrived (a client that means to stop there).</summary>
    public static async Task<string> ReadUntilAsync(Stream body, string text)
    {
        var buffer = new byte[4096];
        var seen = new System.Text.StringBuilder();
        while (!seen.ToString().Contains(text))
        {
            var n = await body.ReadAsync(buffer);
            Assert.True(n > 0, "the stream ended before the client meant to stop reading");
            seen.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        }
        return seen.ToString();
    }
}
