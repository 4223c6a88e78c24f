namespace Gateway.Functions.Aws.Secrets;

/// <summary>
/// Which secrets to read, from the environment the CDK stack sets: <c>GATEWAY_MASTER_KEY_PARAMETER</c> (fills
/// <c>GATEWAY_MASTER_KEY</c>) and <c>GATEWAY_SECRET_PARAMETERS</c> (<c>ENV_NAME=/parameter/name,ENV2=/other</c>). A
/// variable that is already set is left alone and its parameter is not read.
/// </summary>
public static class SecretParameterList
{
    public const string MasterKeyParameter = "GATEWAY_MASTER_KEY_PARAMETER";
    public const string SecretParameters = "GATEWAY_SECRET_PARAMETERS";
    public const string MasterKey = "GATEWAY_MASTER_KEY";

    public static IReadOnlyList<SecretParameter> From(Func<string, string?> env)
    {
        var all = new List<SecretParameter>();
        if (NonEmpty(env(MasterKeyParameter)) is { } master) all.Add(new SecretParameter(MasterKey, master));
        if (NonEmpty(env(SecretParameters)) is { } list) all.AddRange(Parse(list));
        return all.Where(p => string.IsNullOrEmpty(env(p.Variable))).ToList();
    }

    /// <summary>Parses <c>ENV_NAME=/parameter/name</c> pairs, comma-separated; blank entries are ignored.</summary>
    public static IEnumerable<SecretParameter> Parse(string list)
    {
        foreach (var raw in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = raw.IndexOf('=');
            var variable = eq < 0 ? "" : raw[..eq].Trim();
            var parameter = eq < 0 ? "" : raw[(eq + 1)..].Trim();
            if (!IsVariableName(variable) || parameter.Length == 0)
                throw new SecretsException($"{SecretParameters}: '{raw}' is not ENV_NAME=/parameter/name.");
            yield return new SecretParameter(variable, parameter);
        }
    }

    private static bool IsVariableName(string s) =>
        s.Length > 0 && !char.IsAsciiDigit(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
