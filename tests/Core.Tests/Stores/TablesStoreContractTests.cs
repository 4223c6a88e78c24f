using Gateway.Keys;
using Gateway.Stores.Tables;

namespace Gateway.Tests.Stores;

/// <summary>The contract on Azure Table Storage, against Azurite.</summary>
public sealed class TablesStoreContractTests : GovernanceStoreContract
{
    protected override IGovernanceStore Store { get; } = TableGovernanceStore.Create(new StoreSettings
    {
        Kind = "tables",
        TablesConnectionString = Emulators.AzuriteTablesConnectionString(),
        TablePrefix = Emulators.UniquePrefix(),
    });
}
