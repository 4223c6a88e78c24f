using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Gateway.Keys;

namespace Gateway.Stores.DynamoDb;

/// <summary>The DynamoDB client both DynamoDB stores use (the region's endpoint, or a local one: DynamoDB Local, dynalite), and their tables.</summary>
public static class DynamoClients
{
    public static IAmazonDynamoDB Create(StoreSettings s)
    {
        var config = new AmazonDynamoDBConfig();
        if (s.AwsRegion is { } region) config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        if (s.DynamoDbEndpoint is not { } endpoint) return new AmazonDynamoDBClient(config);
        config.ServiceURL = endpoint;
        config.AuthenticationRegion = s.AwsRegion ?? "us-east-1";
        // A local endpoint needs some credentials but checks none.
        return Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 }
            ? new AmazonDynamoDBClient(config)
            : new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
    }

    /// <summary>
    /// Creates a <c>pk</c>/<c>sk</c> table on first use when it is missing (local runs and tests; deployments create
    /// theirs, and a Lambda role without CreateTable only needs DescribeTable), then waits until it is active and, with
    /// <paramref name="ttlAttribute"/>, turns on item expiry by that attribute.
    /// </summary>
    public static async Task EnsureTableAsync(IAmazonDynamoDB db, string table, string? ttlAttribute = null)
    {
        try
        {
            await db.DescribeTableAsync(table);
            return;
        }
        catch (ResourceNotFoundException)
        {
        }
        try
        {
            await db.CreateTableAsync(new CreateTableRequest
            {
                TableName = table,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S)],
                KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
            });
        }
        catch (ResourceInUseException)
        {
            // Another instance created it.
        }
        for (var i = 0; i < 120; i++)
        {
            if ((await db.DescribeTableAsync(table)).Table.TableStatus == TableStatus.ACTIVE) break;
            await Task.Delay(500);
        }
        if (ttlAttribute is not null) await EnableTtlAsync(db, table, ttlAttribute);
    }

    private static async Task EnableTtlAsync(IAmazonDynamoDB db, string table, string attribute)
    {
        try
        {
            await db.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = table,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = attribute, Enabled = true },
            });
        }
        catch (AmazonDynamoDBException e) when (e.ErrorCode is "UnknownOperationException" or "ValidationException")
        {
            // A local emulator without TTL (dynalite), or TTL already on for this table: items keep the attribute either way.
        }
    }
}
