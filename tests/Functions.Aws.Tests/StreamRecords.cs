using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;

namespace Gateway.Functions.Aws.Tests;

/// <summary>
/// DynamoDB Streams event records as Lambda delivers them, with images in DynamoDB JSON. Images are made from items read
/// back from the table, so they are what the stream carries. Every field of a record in the Lambda event (AWS Lambda
/// developer guide, "Using AWS Lambda with Amazon DynamoDB", and the DynamoDB Streams API's Record / StreamRecord):
/// eventID, eventName, eventVersion, eventSource, awsRegion, dynamodb {ApproximateCreationDateTime (epoch seconds),
/// Keys, NewImage (stream view NEW_IMAGE, as infra/cdk's spend table has), SequenceNumber, SizeBytes, StreamViewType},
/// eventSourceARN, and for a TTL deletion userIdentity {type "Service", principalId "dynamodb.amazonaws.com"}.
/// </summary>
public static class StreamRecords
{
    public static JsonObject Batch(params JsonObject[] records) => new() { ["Records"] = new JsonArray([.. records]) };

    public static JsonObject Insert(string table, string sequence, Dictionary<string, AttributeValue> item) =>
        Record(table, sequence, "INSERT", item, Image(item));

    public static JsonObject Insert(string table, string sequence, Dictionary<string, AttributeValue> keys, JsonObject newImage) =>
        Record(table, sequence, "INSERT", keys, newImage);

    /// <summary>A TTL expiry: with NEW_IMAGE the record has keys only.</summary>
    public static JsonObject Remove(string table, string sequence, Dictionary<string, AttributeValue> keys)
    {
        var record = Record(table, sequence, "REMOVE", keys, null);
        record["userIdentity"] = new JsonObject { ["type"] = "Service", ["principalId"] = "dynamodb.amazonaws.com" };
        return record;
    }

    private static JsonObject Record(string table, string sequence, string eventName, Dictionary<string, AttributeValue> item, JsonObject? newImage)
    {
        var dynamodb = new JsonObject
        {
            ["ApproximateCreationDateTime"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["Keys"] = new JsonObject { ["pk"] = Value(item["pk"]), ["sk"] = Value(item["sk"]) },
        };
        if (newImage is not null) dynamodb["NewImage"] = newImage;
        dynamodb["SequenceNumber"] = sequence;
        dynamodb["SizeBytes"] = 512;
        dynamodb["StreamViewType"] = "NEW_IMAGE";
        return new JsonObject
        {
            ["eventID"] = Guid.NewGuid().ToString("N"),
            ["eventName"] = eventName,
            ["eventVersion"] = "1.1",
            ["eventSource"] = "aws:dynamodb",
            ["awsRegion"] = Gateway.Tests.Support.FakeBedrock.Region,
            ["dynamodb"] = dynamodb,
            ["eventSourceARN"] = $"arn:aws:dynamodb:{Gateway.Tests.Support.FakeBedrock.Region}:123456789012:table/{table}/stream/2026-01-01T00:00:00.000",
        };
    }

    public static JsonObject Image(Dictionary<string, AttributeValue> item)
    {
        var image = new JsonObject();
        foreach (var (name, value) in item) image[name] = Value(value);
        return image;
    }

    /// <summary>One attribute in DynamoDB JSON (<c>{"S": ...}</c>, <c>{"N": "..."}</c>, <c>{"SS": [...]}</c>, ...).</summary>
    public static JsonObject Value(AttributeValue v)
    {
        if (v.S is not null) return new JsonObject { ["S"] = v.S };
        if (v.N is not null) return new JsonObject { ["N"] = v.N };
        if (v.SS is { Count: > 0 } ss) return new JsonObject { ["SS"] = new JsonArray([.. ss.Select(s => (JsonNode)s)]) };
        if (v.NS is { Count: > 0 } ns) return new JsonObject { ["NS"] = new JsonArray([.. ns.Select(s => (JsonNode)s)]) };
        if (v.BOOL is { } b) return new JsonObject { ["BOOL"] = b };
        if (v.NULL is true) return new JsonObject { ["NULL"] = true };
        if (v.M is { } m) return new JsonObject { ["M"] = Image(m) };
        if (v.L is { } l) return new JsonObject { ["L"] = new JsonArray([.. l.Select(x => (JsonNode)Value(x))]) };
        throw new NotSupportedException("attribute type not handled by the test");
    }
}
