namespace Gateway.Functions.Aws.Tests;

/// <summary>The AWS package carries SQLite and DynamoDB; Table Storage is the Azure app's store and is trimmed out of it.</summary>
public sealed class StoreAvailabilityTests
{
    [Fact]
    public async Task The_Lambda_package_refuses_Table_Storage_with_code_2_naming_the_app_that_has_it()
    {
        await using var gw = await LambdaGateway.CreateAsync();
        var (code, output) = await gw.RunToExitAsync(env =>
        {
            env["GATEWAY_STORE"] = "tables";
            env["GATEWAY_TABLES_CONNECTION_STRING"] = "UseDevelopmentStorage=true";
        });
        Assert.Equal(2, code);
        Assert.Contains("Table Storage is not part of this build", output);
        Assert.Contains("functions/azure", output);
    }
}
