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
}
