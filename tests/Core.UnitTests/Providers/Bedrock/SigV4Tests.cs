using Amazon.Runtime;
using Gateway.Providers.Bedrock;
using Gateway.Providers.Bedrock.Signing;
using Gateway.Tests.Support;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>
/// The test-side SigV4 implementation against AWS's published test-suite vectors, then the gateway's signer (AWSSDK.Core)
/// checked by it, including percent-encoded model ids and ARNs and the session token.
/// </summary>
public sealed class SigV4Tests
{
    private const string SuiteKey = "AKIDEXAMPLE";
    private const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly Dictionary<string, string> SuiteHeaders = new() { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };

    [Fact]
    public void Suite_get_vanilla()
    {
        var canonical = SigV4Verifier.CanonicalRequest("GET", "/", "", SuiteHeaders, ["host", "x-amz-date"], EmptyHash);
        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash, canonical);
        var sts = SigV4Verifier.StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", sts);
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SigV4Verifier.Signature(SuiteSecret, "20150830", "us-east-1", "service", sts));
    }

    [Fact]
    public void Suite_post_vanilla()
    {
        var canonical = SigV4Verifier.CanonicalRequest("POST", "/", "", SuiteHeaders, ["host", "x-amz-date"], EmptyHash);
        Assert.Equal("POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash, canonical);
        var sts = SigV4Verifier.StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87", sts);
        Assert.Equal("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", SigV4Verifier.Signature(SuiteSecret, "20150830", "us-east-1", "service", sts));
    }

    [Fact]
    public void Suite_get_vanilla_through_the_full_verifier()
    {
        var headers = new Dictionary<string, string>(SuiteHeaders)
        {
            ["authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        };
        Assert.Null(SigV4Verifier.Verify("GET", "/", "", headers, [], SuiteKey, SuiteSecret, "us-east-1", "service", null));
        headers["x-amz-date"] = "20150830T123601Z";
        Assert.NotNull(SigV4Verifier.Verify("GET", "/", "", headers, [], SuiteKey, SuiteSecret, "us-east-1", "service", null));
    }

    [Fact]
    public void The_canonical_path_encodes_each_sent_segment_once_more()
    {
        Assert.Equal("/model/anthropic.claude-v2%253A1/converse", SigV4Verifier.CanonicalUri("/model/anthropic.claude-v2%3A1/converse"));
    }

    [Theory]
    [InlineData("anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-5-sonnet-20240620-v1%3A0")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-2-1b-instruct-v1:0",
        "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.meta.llama3-2-1b-instruct-v1%3A0")]
    public void Model_ids_and_arns_are_one_encoded_path_segment(string id, string encoded)
    {
        Assert.Equal(encoded, BedrockEndpoint.EncodeModelId(id));
    }

    [Theory]
    [InlineData("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse")]
    [InlineData("/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream")]
    public async Task The_gateway_signer_output_verifies_independently(string path)
    {
        var body = """{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"""u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://bedrock-runtime.us-west-2.amazonaws.com" + path)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new("application/json");
        Assert.Equal(path, request.RequestUri!.AbsolutePath);
        await BedrockSigner.SignAsync(request, body, new SessionAWSCredentials(FakeBedrock.AccessKey, FakeBedrock.SecretKey, FakeBedrock.SessionToken), "us-west-2", "bedrock", CancellationToken.None);

        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        headers["host"] = "bedrock-runtime.us-west-2.amazonaws.com";
        headers["content-type"] = "application/json";
        Assert.Equal(FakeBedrock.SessionToken, headers["x-amz-security-token"]);
        Assert.Null(SigV4Verifier.Verify("POST", path, "", headers, body, FakeBedrock.AccessKey, FakeBedrock.SecretKey, "us-west-2", "bedrock", FakeBedrock.SessionToken));

        // A tampered body must not verify: the payload hash is part of the signature.
        body[^3] = (byte)'X';
        Assert.NotNull(SigV4Verifier.Verify("POST", path, "", headers, body, FakeBedrock.AccessKey, FakeBedrock.SecretKey, "us-west-2", "bedrock", FakeBedrock.SessionToken));
    }
}
