using System.Text;
using Gateway.Providers;

namespace Gateway.Tests.Providers;

public sealed class UpstreamErrorsTests
{
    private static (bool Ok, string? Message, string? Type, string? Code) Read(string body)
    {
        var ok = UpstreamErrors.TryReadOpenAIError(Encoding.UTF8.GetBytes(body), out var error);
        return (ok, error.Message, error.Type, error.Code);
    }

    [Fact]
    public void Reads_an_openai_error_object()
    {
        var r = Read("""{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}""");

        Assert.Equal((true, "Rate limit reached", "requests", "rate_limit_exceeded"), r);
    }

    [Fact]
    public void Reads_numeric_code_and_skips_other_fields()
    {
        var r = Read("""{"id":"x","meta":{"error":"not this"},"error":{"details":{"message":"nested"},"innererror":[1,{"code":"no"}],"code":429,"message":"Too many","type":null}}""");

        Assert.Equal((true, "Too many", null, "429"), r);
    }

    [Fact]
    public void Reads_an_error_string()
    {
        Assert.Equal((true, "model not loaded", null, null), Read("""{"object":"error","error":"model not loaded"}"""));
    }

    [Fact]
    public void Empty_error_object_is_still_an_error()
    {
        Assert.Equal((true, null, null, null), Read("""{"error":{}}"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Internal Server Error")]
    [InlineData("<html><body>\"error\"</body></html>")]
    [InlineData("""{"detail":"Not Found"}""")]
    [InlineData("""{"error":null}""")]
    [InlineData("""{"error":42}""")]
    [InlineData("""["error"]""")]
    [InlineData("""{"error":{"message":"cut""")]
    [InlineData("""{"message":"\"error\""}""")]
    public void Non_openai_bodies_are_not_errors(string body)
    {
        Assert.False(Read(body).Ok);
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(404, "invalid_request_error")]
    [InlineData(409, "invalid_request_error")]
    [InlineData(413, "invalid_request_error")]
    [InlineData(422, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(408, "timeout")]
    [InlineData(504, "timeout")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(503, "api_error")]
    [InlineData(418, "api_error")]
    public void TypeFor_maps_status_to_openai_type(int status, string type)
    {
        Assert.Equal(type, UpstreamErrors.TypeFor(status));
    }
}
