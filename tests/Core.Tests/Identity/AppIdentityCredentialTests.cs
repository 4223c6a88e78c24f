using System.Net;
using Azure.Core;
using Gateway.Identity;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gateway.Tests.Identity;

/// <summary>
/// The app's own Entra identity client against loopback servers that answer as Entra's token endpoint, the Functions /
/// App Service identity endpoint and IMDS do, and a stand-in Azure CLI script: what each source sends, how it reads the
/// answer, and the order and failure rules of the chain (DefaultAzureCredential's, which it replaces).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the stand-in Azure CLI is a shell script
public sealed class AppIdentityCredentialTests : IAsyncLifetime
{
    private const string StorageScope = "https://storage.azure.com/.default";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Directory.CreateTempSubdirectory("identity-").FullName;
    private FakeUpstream _server = null!;

    public async Task InitializeAsync() => _server = await FakeUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private AppIdentityCredential Credential(Dictionary<string, string> env)
    {
        // Nothing from this machine's own environment leaks in; the CLI is a script that must not be reached unless said.
        env.TryAdd("GATEWAY_AZ_CLI", CliScript(exitCode: 1, stdout: "", stderr: "Please run 'az login' to setup account."));
        env.TryAdd("AZURE_POD_IDENTITY_AUTHORITY_HOST", $"http://127.0.0.1:{FreePort.Get()}/");
        return new AppIdentityCredential(new IdentityEnvironment(n => env.GetValueOrDefault(n), _clock));
    }

    private void Answer(HttpStatusCode status, string json) => _server.Handler = async (ctx, _) =>
    {
        ctx.Response.StatusCode = (int)status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    };

    /// <summary>A stand-in for <c>az</c>: records its arguments in a file beside it and answers as told.</summary>
    private string CliScript(int exitCode, string stdout, string stderr)
    {
        var path = Path.Combine(_dir, "az-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(path, $"#!/bin/sh\necho \"$@\" > '{path}.args'\ncat <<'OUT'\n{stdout}\nOUT\necho \"{stderr}\" >&2\nexit {exitCode}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static Dictionary<string, string> Form(string body) => body.Split('&')
        .Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));

    private Task<AccessToken> Token(AppIdentityCredential c, string scope = StorageScope) =>
        c.GetTokenAsync(new TokenRequestContext([scope]), CancellationToken.None).AsTask();

    [Fact]
    public async Task A_client_secret_asks_Entra_for_a_client_credentials_token()
    {
        Answer(HttpStatusCode.OK, """{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"tok-secret"}""");
        var c = Credential(new()
        {
            ["AZURE_AUTHORITY_HOST"] = _server.BaseAddress.ToString(), ["AZURE_TENANT_ID"] = "contoso.onmicrosoft.com",
            ["AZURE_CLIENT_ID"] = "app-1", ["AZURE_CLIENT_SECRET"] = "s3cret",
        });

        var token = await Token(c);

        Assert.Equal("tok-secret", token.Token);
        Assert.Equal(_clock.GetUtcNow().AddSeconds(3599), token.ExpiresOn);
        var sent = _server.Last;
        Assert.Equal("POST", sent.Method);
        Assert.Equal("/contoso.onmicrosoft.com/oauth2/v2.0/token", sent.PathAndQuery);
        Assert.Equal(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "app-1", ["scope"] = StorageScope, ["client_secret"] = "s3cret",
        }, Form(sent.Body));
    }

    [Fact]
    public async Task Workload_identity_sends_the_federated_token_file_as_a_client_assertion()
    {
        Answer(HttpStatusCode.OK, """{"token_type":"Bearer","expires_in":600,"access_token":"tok-workload"}""");
        var file = Path.Combine(_dir, "federated-token");
        File.WriteAllText(file, "eyJhbGciOi.federated.jwt\n");
        var c = Credential(new()
        {
            ["AZURE_AUTHORITY_HOST"] = _server.BaseAddress.ToString(), ["AZURE_TENANT_ID"] = "72f988bf-86f1-41af-91ab-2d7cd011db47",
            ["AZURE_CLIENT_ID"] = "app-2", ["AZURE_FEDERATED_TOKEN_FILE"] = file,
        });

        Assert.Equal("tok-workload", (await Token(c)).Token);
        var form = Form(_server.Last.Body);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
        Assert.Equal("eyJhbGciOi.federated.jwt", form["client_assertion"]);
        Assert.False(form.ContainsKey("client_secret"));
    }

    [Fact]
    public async Task The_Functions_identity_endpoint_is_asked_with_its_header_and_the_user_assigned_client_id()
    {
        Answer(HttpStatusCode.OK, """{"access_token":"tok-msi","expires_on":"1893456000","resource":"https://storage.azure.com","token_type":"Bearer","client_id":"uami-1"}""");
        var c = Credential(new()
        {
            ["IDENTITY_ENDPOINT"] = new Uri(_server.BaseAddress, "/msi/token").ToString(), ["IDENTITY_HEADER"] = "header-secret",
            ["AZURE_CLIENT_ID"] = "uami-1",
        });

        var token = await Token(c);

        Assert.Equal("tok-msi", token.Token);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), token.ExpiresOn);
        var sent = _server.Last;
        Assert.Equal("GET", sent.Method);
        Assert.Equal("/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fstorage.azure.com&client_id=uami-1", sent.PathAndQuery);
        Assert.Equal("header-secret", sent.Header("X-IDENTITY-HEADER"));
    }

    [Fact]
    public async Task IMDS_is_asked_with_the_metadata_header_when_no_identity_endpoint_is_set()
    {
        Answer(HttpStatusCode.OK, """{"access_token":"tok-imds","refresh_token":"","expires_in":"3599","expires_on":"1893456000","not_before":"1893452400","resource":"https://cognitiveservices.azure.com","token_type":"Bearer"}""");
        var c = Credential(new() { ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = _server.BaseAddress.ToString() });

        var token = await Token(c, "https://cognitiveservices.azure.com/.default");

        Assert.Equal("tok-imds", token.Token);
        Assert.Equal("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fcognitiveservices.azure.com", _server.Last.PathAndQuery);
        Assert.Equal("true", _server.Last.Header("Metadata"));
    }

    [Fact]
    public async Task With_no_IMDS_listening_the_developer_login_of_the_Azure_CLI_is_used()
    {
        var cli = CliScript(0, """{"accessToken":"tok-cli","expiresOn":"2030-01-01 00:00:00.000000","expires_on":1893456000,"subscription":"s","tenant":"t","tokenType":"Bearer"}""", "");
        var c = Credential(new() { ["GATEWAY_AZ_CLI"] = cli, ["AZURE_TENANT_ID"] = "contoso.onmicrosoft.com" });

        var token = await Token(c);

        Assert.Equal("tok-cli", token.Token);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), token.ExpiresOn);
        Assert.Equal("account get-access-token --output json --resource https://storage.azure.com --tenant contoso.onmicrosoft.com",
            File.ReadAllText(cli + ".args").Trim());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task With_nothing_available_the_error_names_what_was_tried_and_what_to_do()
    {
        var c = Credential(new());

        var e = await Assert.ThrowsAsync<IdentityException>(() => Token(c));

        Assert.Contains("managed identity (IMDS)", e.Message);
        Assert.Contains("Azure CLI", e.Message);
        Assert.Contains("az login", e.Message);
    }

    [Fact]
    public async Task A_configured_source_that_is_refused_stops_the_chain_and_its_error_holds_no_secret()
    {
        Answer(HttpStatusCode.Unauthorized, """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}""");
        var cli = CliScript(0, """{"accessToken":"tok-cli","expires_on":1893456000}""", "");
        var c = Credential(new()
        {
            ["AZURE_AUTHORITY_HOST"] = _server.BaseAddress.ToString(), ["AZURE_TENANT_ID"] = "contoso.onmicrosoft.com",
            ["AZURE_CLIENT_ID"] = "app-1", ["AZURE_CLIENT_SECRET"] = "do-not-log-me", ["GATEWAY_AZ_CLI"] = cli,
        });

        var e = await Assert.ThrowsAsync<IdentityException>(() => Token(c));

        Assert.Contains("401", e.Message);
        Assert.Contains("AADSTS7000215", e.Message);
        Assert.DoesNotContain("do-not-log-me", e.ToString());
        Assert.False(File.Exists(cli + ".args"), "a refused secret must not fall through to another identity");
    }

    [Theory]
    [InlineData("http://login.example.com/")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("not a url")]
    public void A_secret_is_never_sent_over_plain_http_to_a_remote_authority(string authority)
    {
        var e = Assert.Throws<IdentityException>(() => Credential(new()
        {
            ["AZURE_AUTHORITY_HOST"] = authority, ["AZURE_TENANT_ID"] = "contoso.onmicrosoft.com",
            ["AZURE_CLIENT_ID"] = "app-1", ["AZURE_CLIENT_SECRET"] = "s3cret",
        }));
        Assert.Contains("AZURE_AUTHORITY_HOST", e.Message);
    }

    [Theory]
    [InlineData("../../evil")]
    [InlineData("contoso/oauth2")]
    [InlineData("tenant?x=1")]
    public void A_tenant_id_cannot_rewrite_the_token_url(string tenant)
    {
        var e = Assert.Throws<IdentityException>(() => Credential(new()
        {
            ["AZURE_TENANT_ID"] = tenant, ["AZURE_CLIENT_ID"] = "app-1", ["AZURE_CLIENT_SECRET"] = "s3cret",
        }));
        Assert.Contains("AZURE_TENANT_ID", e.Message);
    }

    [Theory]
    [InlineData("""{"token_type":"Bearer"}""", "without an access token")]
    [InlineData("""{"access_token":"t"}""", "without an expiry")]
    [InlineData("<html>gateway timeout</html>", "not a token response")]
    public async Task A_malformed_answer_is_a_clear_error(string body, string expected)
    {
        Answer(HttpStatusCode.OK, body);
        var c = Credential(new() { ["IDENTITY_ENDPOINT"] = new Uri(_server.BaseAddress, "/msi/token").ToString(), ["IDENTITY_HEADER"] = "h" });

        var e = await Assert.ThrowsAsync<IdentityException>(() => Token(c));

        Assert.Contains(expected, e.Message);
    }
}
