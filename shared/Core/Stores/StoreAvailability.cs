using System.Diagnostics.CodeAnalysis;

namespace Gateway.Stores;

/// <summary>
/// Which cloud stores this build carries. Each function app's Native AOT publish switches off the store its cloud never
/// uses (the Azure app has no DynamoDB, the AWS app no Table Storage), so the trimmer drops that SDK and its types: a
/// smaller image to load is a shorter cold start. JIT builds and tests keep both.
/// </summary>
public static class StoreAvailability
{
    public const string TablesSwitch = "Gateway.Stores.Tables.IsSupported";
    public const string DynamoDbSwitch = "Gateway.Stores.DynamoDb.IsSupported";

    [FeatureSwitchDefinition(TablesSwitch)]
    public static bool Tables => !AppContext.TryGetSwitch(TablesSwitch, out var on) || on;

    [FeatureSwitchDefinition(DynamoDbSwitch)]
    public static bool DynamoDb => !AppContext.TryGetSwitch(DynamoDbSwitch, out var on) || on;

    /// <summary>Null when <paramref name="kind"/> is in this build, else why not and where it is.</summary>
    public static string? Missing(string kind) => kind switch
    {
        "tables" when !Tables => "GATEWAY_STORE=tables: Table Storage is not part of this build. It ships in the Azure app (functions/azure); this build has sqlite and dynamodb.",
        "dynamodb" when !DynamoDb => "GATEWAY_STORE=dynamodb: DynamoDB is not part of this build. It ships in the AWS app (functions/aws); this build has sqlite and tables.",
        _ => null,
    };
}
