namespace Gateway.Config;

/// <summary>The config file is unusable. The message lists every problem, each naming entry, field and cause.</summary>
public sealed class ConfigException(string source, IReadOnlyList<string> problems)
    : Exception($"{source}: {problems.Count} problem(s) in the gateway config:\n  - " + string.Join("\n  - ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
