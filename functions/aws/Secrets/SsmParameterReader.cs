using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Gateway.Functions.Aws.Secrets;

/// <summary>
/// Reads SecureString (or plain) parameters with <c>GetParameters</c>, decrypted, at most ten names a call. A parameter
/// that does not exist, or a call SSM refuses, is a <see cref="SecretsException"/> naming the parameters concerned.
/// </summary>
public sealed class SsmParameterReader(IAmazonSimpleSystemsManagement ssm)
{
    /// <summary>GetParameters takes at most ten names.</summary>
    public const int MaxNamesPerCall = 10;

    /// <summary>Values by the names (or ARNs) asked for.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(IEnumerable<string> names, CancellationToken ct = default)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in names.Distinct(StringComparer.Ordinal).Chunk(MaxNamesPerCall))
        {
            GetParametersResponse response;
            try
            {
                response = await ssm.GetParametersAsync(new GetParametersRequest { Names = [.. chunk], WithDecryption = true }, ct);
            }
            catch (AmazonServiceException e)
            {
                throw new SecretsException($"SSM refused GetParameters for {List(chunk)}: {e.ErrorCode ?? e.StatusCode.ToString()}: {e.Message}");
            }
            catch (Exception e) when (e is AmazonClientException or HttpRequestException or TaskCanceledException)
            {
                throw new SecretsException($"SSM GetParameters for {List(chunk)} failed: {e.Message}");
            }
            if (response.InvalidParameters is { Count: > 0 } invalid)
                throw new SecretsException($"SSM parameter not found (or not readable): {List(invalid)}.");
            foreach (var name in chunk)
            {
                var found = response.Parameters?.FirstOrDefault(p => Matches(p, name));
                if (found?.Value is not { } value)
                    throw new SecretsException($"SSM returned no value for parameter {List([name])}.");
                values[name] = value;
            }
        }
        return values;
    }

    /// <summary>A parameter asked for by name, ARN, or name with a <c>:version</c> / <c>:label</c> selector.</summary>
    private static bool Matches(Parameter p, string asked) =>
        asked == p.Name || asked == p.ARN || (p.Selector is { Length: > 0 } s && asked == p.Name + s);

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Select(n => "'" + n + "'"));
}
