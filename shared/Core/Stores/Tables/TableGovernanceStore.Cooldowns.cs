using Azure.Data.Tables;
using Gateway.Routing.Cooldowns;

namespace Gateway.Stores.Tables;

/// <summary>Shared cooldowns: the <c>cooldown</c> partition, one row per deployment (its id escaped), read in one query.</summary>
public sealed partial class TableGovernanceStore : ISharedCooldownStore
{
    private const string CooldownPartition = "cooldown";

    public async Task PublishCooldownAsync(string deploymentId, DateTimeOffset until, CancellationToken ct)
    {
        await Ready();
        await table.UpsertEntityAsync(new TableEntity(CooldownPartition, "deployment:" + TableNames.Escape(deploymentId))
        {
            ["Deployment"] = deploymentId,
            ["UntilMs"] = until.ToUnixTimeMilliseconds(),
        }, TableUpdateMode.Replace, ct);
    }

    public async Task<IReadOnlyList<SharedCooldown>> ReadCooldownsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await Ready();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {CooldownPartition} and UntilMs gt {now.ToUnixTimeMilliseconds()}");
        var list = new List<SharedCooldown>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            if (e.GetString("Deployment") is { } id && e.GetInt64("UntilMs") is { } ms)
                list.Add(new SharedCooldown(id, DateTimeOffset.FromUnixTimeMilliseconds(ms)));
        return list;
    }
}
