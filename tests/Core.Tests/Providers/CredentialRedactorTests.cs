using Gateway.Providers;

namespace Gateway.Tests.Providers;

/// <summary>What the one redactor removes from upstream text, and the ordinary error prose it must leave alone.</summary>
public sealed class CredentialRedactorTests
{
    [Theory]
    [InlineData("Incorrect API key provided: sk-proj-****abcd.", "Incorrect API key provided: [redacted].")]
    [InlineData("key sk_live_0123456789abcdef rejected", "key [redacted] rejected")]
    [InlineData("invalid x-api-key: sk-ant-api03-AbCd****wxyz", "invalid x-api-key: [redacted]")]
    [InlineData("in organization org-AbCdEf0123456789ghij on", "in organization [redacted] on")]
    [InlineData("Project proj_Xy12Ab34Cd56Ef78 has no access", "Project [redacted] has no access")]
    [InlineData("Authorization: Bearer abcDEF123456ghiJKL789", "Authorization: Bearer [redacted]")]
    [InlineData("key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW bad", "key [redacted] bad")]
    [InlineData("user AKIAIOSFODNN7EXAMPLE denied", "user [redacted] denied")]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnIn0.c2ln rejected", "token [redacted] rejected")]
    [InlineData("api_key=ab12cd34ef56gh78 is wrong", "api_key=[redacted] is wrong")]
    [InlineData("secret: 'Zx9+/abcdEFGH1234==' leaked", "secret: '[redacted]' leaked")]
    [InlineData("subscription key 0123456789abcdef0123456789abcdef.", "subscription key [redacted].")]
    public void Credentials_are_redacted(string text, string expected)
    {
        Assert.Equal(expected, CredentialRedactor.Redact(text));
    }

    [Theory]
    [InlineData("This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.")]
    [InlineData("Invalid value for 'temperature': must be <= 2.")]
    [InlineData("The key parameter is missing from the request")]
    [InlineData("API key not valid. Please pass a valid API key.")]
    [InlineData("Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.")]
    [InlineData("max_tokens_exceeded: token_limit_exceeded for model")]
    [InlineData("Request req_0123456789abcdef0123456789abcdef failed")]
    [InlineData("Overloaded")]
    public void Ordinary_error_prose_is_kept(string text)
    {
        Assert.Equal(text, CredentialRedactor.Redact(text));
    }

    [Fact]
    public void Null_and_empty_stay_as_they_are()
    {
        Assert.Null(CredentialRedactor.Redact(null));
        Assert.Equal("", CredentialRedactor.Redact(""));
    }
}
