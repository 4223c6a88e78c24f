namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// The environment a gateway process needs for each shared store on the emulators test.sh starts (a missing emulator
/// fails the test), each with its own table prefix so tests do not see each other's rows.
/// </summary>
internal static class ProcessStores
{
    public static Dictionary<string, string> Tables() => new()
    {
        ["GATEWAY_STORE"] = "tables",
        ["GATEWAY_TABLES_CONNECTION_STRING"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"TableEndpoint={Required("GATEWAY_TEST_AZURITE_TABLES", "Azurite")};",
        ["GATEWAY_TABLE_PREFIX"] = UniquePrefix(),
    };

    public static Dictionary<string, string> DynamoDb() => new()
    {
        ["GATEWAY_STORE"] = "dynamodb",
        ["GATEWAY_DYNAMODB_ENDPOINT"] = Required("GATEWAY_TEST_DYNALITE", "dynalite"),
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["GATEWAY_TABLE_PREFIX"] = UniquePrefix(),
    };

    public static string Required(string name, string what) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : throw new InvalidOperationException($"{name} is not set: run the tests through ./test.sh, which starts {what}.");

    private static string UniquePrefix() => "p" + Guid.NewGuid().ToString("N")[..12];
}
