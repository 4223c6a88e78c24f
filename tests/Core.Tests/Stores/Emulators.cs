namespace Gateway.Tests.Stores;

/// <summary>The emulators test.sh starts. A missing variable fails the test loudly: these tests never skip.</summary>
public static class Emulators
{
    public const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A Table Storage connection string for the Azurite started by test.sh.</summary>
    public static string AzuriteTablesConnectionString()
    {
        var endpoint = Environment.GetEnvironmentVariable("GATEWAY_TEST_AZURITE_TABLES") is { Length: > 0 } e ? e
            : throw new InvalidOperationException("GATEWAY_TEST_AZURITE_TABLES is not set: run the tests through ./test.sh, which starts Azurite.");
        return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteAccountKey};TableEndpoint={endpoint};";
    }

    public static string DynaliteEndpoint() =>
        Environment.GetEnvironmentVariable("GATEWAY_TEST_DYNALITE") is { Length: > 0 } e ? e
            : throw new InvalidOperationException("GATEWAY_TEST_DYNALITE is not set: run the tests through ./test.sh, which starts dynalite.");

    /// <summary>A table prefix of letters and digits only, unique per use, so tests sharing one emulator never meet.</summary>
    public static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..12];
}
