using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;
using Gateway.Keys;
using Gateway.Stores.Tables;

namespace Gateway.Responses.Storage;

/// <summary>
/// Kept responses in Table Storage: table <c>{prefix}responses</c>, one partition per response id, the document split into
/// binary properties of at most 64 KiB. Table Storage has no TTL: an expired entity is never returned (and is overwritten
/// never, since ids are unique); an entity holds at most 1 MiB, so a document past <see cref="MaxDocumentBytes"/> is not kept.
/// </summary>
public sealed class TableStoredResponses(TableServiceClient service, string tableName, string? connectionString) : IStoredResponses
{
    private const int PartBytes = 64 * 1024;
    private const string Row = "response";
    private readonly TableClient _table = service.GetTableClient(tableName);
    private Task? _created;

    public static TableStoredResponses Create(StoreSettings s) => new(TableClients.Create(s), s.TablePrefix + "responses", s.TablesConnectionString);

    public int MaxDocumentBytes => 900 * 1024;

    // As the other table stores: with an account key the table is created here, with an identity the deployment made it.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => connectionString is null
        ? Task.CompletedTask
        : TableCreator.CreateIfNotExistsAsync(connectionString, tableName, CancellationToken.None));

    private static string Partition(string id) => TableNames.Partition("response:" + id);

    public async ValueTask PutAsync(StoredResponse r, CancellationToken ct)
    {
        await Ready();
        var e = new TableEntity(Partition(r.Id), Row)
        {
            ["Owner"] = r.Owner, ["Team"] = r.Team, ["Deployment"] = r.Deployment,
            ["CreatedMs"] = r.CreatedAt.ToUnixTimeMilliseconds(), ["ExpiresMs"] = r.ExpiresAt.ToUnixTimeMilliseconds(), ["Length"] = r.Document.Length,
        };
        var parts = 0;
        for (var at = 0; at < r.Document.Length; at += PartBytes, parts++)
            e[parts == 0 ? "Body" : "Body" + parts.ToString(System.Globalization.CultureInfo.InvariantCulture)] = r.Document.AsSpan(at, Math.Min(PartBytes, r.Document.Length - at)).ToArray();
        e["Parts"] = parts;
        await _table.UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
    }

    public async ValueTask<StoredResponse?> GetAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        await Ready();
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(id), Row, cancellationToken: ct);
        if (!r.HasValue || r.Value is not { } e) return null;
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64("ExpiresMs") ?? 0);
        if (now >= expires) return null;
        var document = new byte[e.GetInt32("Length") ?? 0];
        var at = 0;
        for (var i = 0; i < (e.GetInt32("Parts") ?? 0); i++)
        {
            var part = e.GetBinary(i == 0 ? "Body" : "Body" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)) ?? [];
            part.CopyTo(document, at);
            at += part.Length;
        }
        return new StoredResponse(id, e.GetString("Owner") ?? "", e.GetString("Team"), e.GetString("Deployment"), document,
            DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64("CreatedMs") ?? 0), expires);
    }

    public async ValueTask<bool> DeleteAsync(string id, CancellationToken ct)
    {
        await Ready();
        var r = await _table.DeleteEntityAsync(Partition(id), Row, ETag.All, ct);
        return r.Status != 404;
    }
}
