using Gateway.Config;
using Gateway.Providers.Bedrock.Signing;

namespace Gateway.Providers.Bedrock;

/// <summary>
/// Where a Bedrock deployment's calls go. Region: <c>aws_region_name</c>, then <c>AWS_REGION</c>, then
/// <c>AWS_DEFAULT_REGION</c>. Base URL: <c>api_base</c>, then <c>AWS_ENDPOINT_URL_BEDROCK_RUNTIME</c>, then
/// <c>AWS_ENDPOINT_URL</c>, else the regional runtime endpoint.
/// </summary>
public sealed class BedrockEndpoint
{
    public const string SigningService = "bedrock";

    public BedrockEndpoint(DeploymentConfig d, AwsEnvironment env)
    {
        Region = d.ProviderSettings.GetValueOrDefault("aws_region_name") is { Length: > 0 } r ? r
            : env.Get("AWS_REGION") ?? env.Get("AWS_DEFAULT_REGION")
            ?? throw new InvalidOperationException($"{d.Describe()}: no AWS region; set litellm_params.aws_region_name or AWS_REGION");
        var baseUrl = d.ApiBase ?? env.Get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME") ?? env.Get("AWS_ENDPOINT_URL")
            ?? $"https://bedrock-runtime.{Region}.amazonaws.com";
        BaseUrl = baseUrl.TrimEnd('/');
        ModelPath = "/model/" + EncodeModelId(d.UpstreamModel);
    }

    public string Region { get; }
    public string BaseUrl { get; }

    /// <summary><c>/model/{modelId}</c> with the id percent-encoded as one segment.</summary>
    public string ModelPath { get; }

    public Uri Converse => new(BaseUrl + ModelPath + "/converse");
    public Uri ConverseStream => new(BaseUrl + ModelPath + "/converse-stream");
    public Uri Invoke => new(BaseUrl + ModelPath + "/invoke");

    /// <summary>
    /// Model ids (<c>anthropic.claude-3-5-sonnet-20240620-v1:0</c>) and inference-profile ARNs
    /// (<c>arn:aws:bedrock:...:inference-profile/us.anthropic...</c>) go in one path segment, so <c>:</c> and
    /// <c>/</c> are encoded too; only RFC 3986 unreserved characters stay as they are.
    /// </summary>
    public static string EncodeModelId(string id) => Uri.EscapeDataString(id);
}
