namespace Gateway.Routing.Cooldowns;

/// <summary>Where a tripped breaker is told, so other instances take the deployment out too. Never awaited on a call's path.</summary>
public interface ICooldownBoard
{
    void Publish(Deployment deployment, DateTimeOffset until);
}

/// <summary>One instance, nothing shared.</summary>
public sealed class LocalCooldowns : ICooldownBoard
{
    public static readonly LocalCooldowns Instance = new();

    public void Publish(Deployment deployment, DateTimeOffset until)
    {
    }
}
