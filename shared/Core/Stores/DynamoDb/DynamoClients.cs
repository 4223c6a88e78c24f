using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Gateway.Keys;

namespace Gateway.Stores.DynamoDb;

/// <summary>The DynamoDB client both DynamoDB stores use: the region's endpoint, or a local one (DynamoDB Local, dynalite).</summary>
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
}
