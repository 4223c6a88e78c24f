namespace Gateway.Routing.Cooldowns;

/// <summary>
/// Where instances share tripped breakers: the configured store (SQLite, Table Storage, DynamoDB). One row per deployment
/// id with the end of its cooldown; a row past its end means nothing.
/// </summary>
public interface ISharedCooldownStore
{
    Task PublishCooldownAsync(string deploymentId, DateTimeOffset until, CancellationToken ct);

    /// <summary>Every cooldown that ends after <paramref name="now"/>.</summary>
    Task<IReadOnlyList<SharedCooldown>> ReadCooldownsAsync(DateTimeOffset now, CancellationToken ct);
}

public readonly record struct SharedCooldown(string DeploymentId, DateTimeOffset Until);
