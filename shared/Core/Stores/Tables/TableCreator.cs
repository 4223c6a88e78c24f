using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Stores.Tables;

/// <summary>
/// Creates the table with one signed REST call (SharedKeyLite). Needed because the SDK's own create serializes its
/// request with reflection, which Native AOT hosts disable. Only for account-key connection strings (local runs,
/// Azurite); with a managed identity the deployment (bicep) creates the table.
/// </summary>
internal static class TableCreator
{
    public static async Task CreateIfNotExistsAsync(string connectionString, string tableName, CancellationToken ct)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("AccountName", out var account) || !parts.TryGetValue("AccountKey", out var key))
            throw new InvalidOperationException("The Table Storage connection string has no AccountName/AccountKey; create the table in the deployment.");
        var endpoint = parts.TryGetValue("TableEndpoint", out var e) ? e.TrimEnd('/')
            : $"{(parts.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https")}://{account}.table.{parts.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net"}";
        var uri = new Uri(endpoint + "/Tables");
        var date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        var resource = "/" + account + uri.AbsolutePath;
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(key), Encoding.UTF8.GetBytes(date + "\n" + resource)));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent($$"""{"TableName":"{{tableName}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        request.Headers.TryAddWithoutValidation("x-ms-version", "2019-02-02");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;odata=nometadata");
        request.Headers.TryAddWithoutValidation("Prefer", "return-no-content");
        request.Headers.TryAddWithoutValidation("DataServiceVersion", "3.0;NetFx");
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKeyLite {account}:{signature}");
        using var response = await http.SendAsync(request, ct);
        if (response.IsSuccessStatusCode || (int)response.StatusCode == 409) return;
        throw new InvalidOperationException($"Creating table '{tableName}' failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }
}
