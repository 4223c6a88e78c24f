namespace Gateway.Tests.Support;

/// <summary>Base for tests that need one loopback upstream and a gateway configured to reach it.</summary>
public abstract class UpstreamGatewayTest : IAsyncLifetime
{
    protected FakeUpstream Up { get; private set; } = null!;
    protected TestGateway Gw { get; private set; } = null!;

    /// <summary>The gateway config for this class; by default the mock models plus OpenAI-format models at the upstream.</summary>
    protected virtual string Config(FakeUpstream up) => Yaml.Config(up.V1);

    public async Task InitializeAsync()
    {
        Up = await FakeUpstream.StartAsync();
        Gw = await TestGateway.StartAsync(Config(Up));
    }

    public async Task DisposeAsync()
    {
        await Gw.DisposeAsync();
        await Up.DisposeAsync();
    }
}
