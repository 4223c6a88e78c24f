using Gateway.Tests.Support;

namespace Gateway.Tests.Budgets;

/// <summary>A gateway on the budget fakes (<see cref="BudgetUpstream"/>), started and stopped around each test.</summary>
public abstract class BudgetGatewayTest : IAsyncLifetime
{
    protected BudgetUpstream Up { get; private set; } = null!;
    protected TestGateway Gw { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Up = await BudgetUpstream.StartAsync();
        Gw = await Up.GatewayAsync();
    }

    public async Task DisposeAsync()
    {
        await Gw.DisposeAsync();
        await Up.DisposeAsync();
    }
}
