using Azure.Data.Tables;
using Gateway.Keys;

namespace Gateway.Stores.Tables;

/// <summary>The Table Storage client both table stores use: a connection string, or the endpoint with the app's identity.</summary>
public static class TableClients
{
    public static TableServiceClient Create(StoreSettings s) => s.TablesConnectionString is { } cs
        ? new TableServiceClient(cs)
        : new TableServiceClient(new Uri(s.TablesEndpoint!), new Gateway.Identity.AppIdentityCredential());
}
