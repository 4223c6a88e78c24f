using Gateway.Tests.Support;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>
/// A fake Bedrock on loopback and a gateway whose environment is exactly what Lambda gives a function with a role:
/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION, plus AWS_ENDPOINT_URL_BEDROCK_RUNTIME
/// pointing at the fake. The environment goes through the gateway's injected lookup, not the process environment,
/// so these tests run in parallel with everything else.
/// </summary>
public abstract class BedrockGatewayTest : IAsyncLifetime
{
    protected FakeBedrock Bedrock { get; private set; } = null!;
    protected TestGateway Gw { get; private set; } = null!;

    protected virtual string Config() => BedrockWire.Config();
    protected virtual Dictionary<string, string> Environment(FakeBedrock fake) => fake.LambdaEnvironment();

    public async Task InitializeAsync()
    {
        Bedrock = await FakeBedrock.StartAsync();
        Gw = await TestGateway.StartAsync(Config(), Environment(Bedrock));
    }

    public async Task DisposeAsync()
    {
        await Gw.DisposeAsync();
        await Bedrock.DisposeAsync();
    }

    /// <summary>Every request reached the fake correctly signed with the role's session token.</summary>
    protected void AssertAllSigned(int atLeast = 1)
    {
        Assert.Empty(Bedrock.SignatureProblems);
        Assert.True(Bedrock.Calls.Count >= atLeast, $"expected at least {atLeast} Bedrock calls, saw {Bedrock.Calls.Count}");
        Assert.All(Bedrock.Calls, c => Assert.Equal(FakeBedrock.SessionToken, c.Headers["x-amz-security-token"]));
    }
}
