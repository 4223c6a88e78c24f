using System.Text.Json;
using Gateway.Keys;
using Gateway.Responses.Storage;
using Gateway.Tests.Stores;

namespace Gateway.Tests.Responses;

/// <summary>
/// What every store of kept responses must do, against SQLite, Azurite and dynalite: return a response byte for byte with
/// its owner, team and deployment until it expires, never after, and delete it once.
/// </summary>
public abstract class StoredResponseStoreContract
{
    protected abstract IStoredResponses Store { get; }

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public async Task A_response_comes_back_byte_for_byte_until_it_expires_then_deletes_once()
    {
        var id = "resp_" + Guid.NewGuid().ToString("N");
        Assert.Null(await Store.GetAsync(id, Now, default));
        var document = Enumerable.Range(0, Math.Min(200_000, Store.MaxDocumentBytes)).Select(i => (byte)(i * 7)).ToArray(); // several 64 KiB table parts
        var kept = new StoredResponse(id, "key-hash", "team-a", null, document, Now, Now.AddDays(30));
        await Store.PutAsync(kept, default);
        var back = await Store.GetAsync(id, Now.AddDays(29), default);
        Assert.NotNull(back);
        Assert.Equal(document, back!.Document);
        Assert.Equal(("key-hash", "team-a", (string?)null, Now, Now.AddDays(30)), (back.Owner, back.Team, back.Deployment, back.CreatedAt, back.ExpiresAt));
        Assert.Null(await Store.GetAsync(id, Now.AddDays(30), default));
        Assert.True(await Store.DeleteAsync(id, default));
        Assert.False(await Store.DeleteAsync(id, default));
        Assert.Null(await Store.GetAsync(id, Now, default));
    }

    [Fact]
    public async Task A_native_response_keeps_its_deployment_and_an_id_with_odd_characters_is_safe()
    {
        var id = "resp_/\\#?%" + Guid.NewGuid().ToString("N");
        await Store.PutAsync(new StoredResponse(id, "owner", null, "gpt-native#0", [], Now, Now.AddHours(1)), default);
        var back = await Store.GetAsync(id, Now, default);
        Assert.Equal("gpt-native#0", back!.Deployment);
        Assert.True(back.IsNative);
        Assert.Null(back.Team);
        Assert.Null(await Store.GetAsync("resp_/", Now, default));
    }
}

public sealed class SqliteStoredResponseTests : StoredResponseStoreContract
{
    protected override IStoredResponses Store { get; } = new SqliteStoredResponses(Keys.KeyGateway.NewStorePath());
}

public sealed class TablesStoredResponseTests : StoredResponseStoreContract
{
    protected override IStoredResponses Store { get; } = TableStoredResponses.Create(new StoreSettings
    {
        Kind = "tables", TablesConnectionString = Emulators.AzuriteTablesConnectionString(), TablePrefix = Emulators.UniquePrefix(),
    });
}

public sealed class DynamoStoredResponseTests : StoredResponseStoreContract
{
    protected override IStoredResponses Store { get; } = DynamoStoredResponses.Create(new StoreSettings
    {
        Kind = "dynamodb", DynamoDbEndpoint = Emulators.DynaliteEndpoint(), AwsRegion = "us-east-1", TablePrefix = Emulators.UniquePrefix(),
    });
}

/// <summary>A previous_response_id conversation through a gateway on each cloud store, and another key kept out.</summary>
public abstract class CloudStoreConversationTests : IAsyncLifetime
{
    private ResponsesGateway _r = null!;

    protected abstract Dictionary<string, string> StoreEnvironment();

    public async Task InitializeAsync() => _r = await ResponsesGateway.StartAsync(StoreEnvironment());

    public async Task DisposeAsync() => await _r.DisposeAsync();

    [Fact]
    public async Task A_conversation_continues_for_its_key_only()
    {
        var key = await _r.KeyAsync();
        var other = await _r.KeyAsync();
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", key, """{"model":"gemini","input":"Remember: blue."}""");
        Assert.True(status == 200, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString();
        (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", key, $$"""{"model":"gemini","previous_response_id":"{{id}}","input":"Which colour?"}""");
        Assert.True(status == 200, body);
        var sent = _r.Gemini.Last.Body;
        Assert.Contains("Remember: blue.", sent);
        Assert.Contains(WeatherFakes.Plain, sent);
        Assert.Equal(404, (await _r.SendAsync(HttpMethod.Post, "/v1/responses", other, $$"""{"model":"gemini","previous_response_id":"{{id}}","input":"Which colour?"}""")).Status);
        Assert.Equal(404, (await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{id}", other)).Status);
        Assert.Equal(200, (await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{id}", key)).Status);
    }
}

public sealed class TablesConversationTests : CloudStoreConversationTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "tables",
        ["GATEWAY_TABLES_CONNECTION_STRING"] = Emulators.AzuriteTablesConnectionString(),
        ["GATEWAY_TABLE_PREFIX"] = Emulators.UniquePrefix(),
    };
}

public sealed class DynamoDbConversationTests : CloudStoreConversationTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "dynamodb",
        ["GATEWAY_DYNAMODB_ENDPOINT"] = Emulators.DynaliteEndpoint(),
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["GATEWAY_TABLE_PREFIX"] = Emulators.UniquePrefix(),
    };
}
