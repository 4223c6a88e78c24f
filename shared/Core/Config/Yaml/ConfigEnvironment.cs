namespace Gateway.Config.Yaml;

/// <summary>
/// The environment a config is read against: the process's variables over the file's <c>environment_variables</c>
/// (the real environment wins, as in LiteLLM), and the <c>os.environ/NAME</c> references that read it.
/// </summary>
internal sealed class ConfigEnvironment(Func<string, string?> process)
{
    public const string ReferencePrefix = "os.environ/";

    /// <summary>The file's <c>environment_variables</c>: an overlay, not the process, so parsing has no side effects; the host applies them at start.</summary>
    public Dictionary<string, string> Declared { get; } = new(StringComparer.Ordinal);

    public string? Get(string name) => process(name) ?? Declared.GetValueOrDefault(name);

    /// <summary><paramref name="value"/> itself, or the variable an <c>os.environ/NAME</c> value names; null with the cause when that is unusable.</summary>
    public string? Resolve(string value, out string? cause)
    {
        cause = null;
        if (!value.StartsWith(ReferencePrefix, StringComparison.Ordinal)) return value;
        var name = value[ReferencePrefix.Length..];
        if (name.Length == 0)
        {
            cause = $"'{value}' names no variable; write os.environ/NAME";
            return null;
        }
        var resolved = Get(name);
        if (string.IsNullOrEmpty(resolved)) cause = $"environment variable {name} is not set (the value is '{value}')";
        return string.IsNullOrEmpty(resolved) ? null : resolved;
    }
}
