using Gateway.Keys;
using Gateway.Stores.DynamoDb;

namespace Gateway.Tests.Stores;

/// <summary>The contract on DynamoDB, against dynalite.</summary>
public sealed class DynamoDbStoreContractTests : GovernanceStoreContract
{
    protected override IGovernanceStore Store { get; } = DynamoGovernanceStore.Create(new StoreSettings
    {
        Kind = "dynamodb",
        DynamoDbEndpoint = Emulators.DynaliteEndpoint(),
        AwsRegion = "us-east-1",
        TablePrefix = Emulators.UniquePrefix(),
    });
}
