namespace Gateway.Providers.Bedrock.Credentials;

/// <summary>One named profile from the AWS shared files: its keys (and session token) and region.</summary>
public sealed record AwsProfile(string Name, string? AccessKeyId, string? SecretAccessKey, string? SessionToken, string? Region)
{
    public bool HasKeys => !string.IsNullOrEmpty(AccessKeyId) && !string.IsNullOrEmpty(SecretAccessKey);
}

/// <summary>
/// Reads a profile (<c>aws_profile_name</c>) from the AWS shared files as the CLI does: the credentials file
/// (<c>AWS_SHARED_CREDENTIALS_FILE</c>, else <c>~/.aws/credentials</c>, sections <c>[name]</c>) and the config file
/// (<c>AWS_CONFIG_FILE</c>, else <c>~/.aws/config</c>, sections <c>[profile name]</c> and <c>[default]</c>); the
/// credentials file wins for keys. A small INI reader: no reflection, so it stays Native AOT clean.
/// </summary>
public static class AwsProfiles
{
    public static AwsProfile? Find(string name, Func<string, string?> env)
    {
        var home = env("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var credentials = Section(env("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(home, ".aws", "credentials"), name);
        var config = Section(env("AWS_CONFIG_FILE") ?? Path.Combine(home, ".aws", "config"), name == "default" ? "default" : "profile " + name);
        if (credentials is null && config is null) return null;
        string? Get(string key) => credentials?.GetValueOrDefault(key) ?? config?.GetValueOrDefault(key);
        return new AwsProfile(name, Get("aws_access_key_id"), Get("aws_secret_access_key"), Get("aws_session_token"), Get("region"));
    }

    /// <summary>The key/value pairs of section <c>[<paramref name="section"/>]</c>; null when the file or section is absent.</summary>
    private static Dictionary<string, string>? Section(string path, string section)
    {
        if (!File.Exists(path)) return null;
        Dictionary<string, string>? found = null;
        var inside = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[' && line[^1] == ']')
            {
                inside = string.Equals(line[1..^1].Trim(), section, StringComparison.Ordinal);
                if (inside) found ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                continue;
            }
            var eq = line.IndexOf('=');
            if (inside && eq > 0) found![line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return found;
    }
}
