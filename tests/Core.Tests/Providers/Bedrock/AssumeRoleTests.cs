using System.Web;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>
/// <c>aws_role_name</c> + <c>aws_session_name</c>: the gateway assumes the role through STS (a loopback server speaking
/// the STS Query API's XML), signs Bedrock calls with the role's credentials, and asks again only near their expiry.
/// </summary>
public sealed class AssumeRoleTests : IAsyncLifetime
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/bedrock-invoker";
    private FakeBedrock _bedrock = null!;
    private FakeUpstream _sts = null!;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 15, 9, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        _bedrock = await FakeBedrock.StartAsync();
        _bedrock.Respond = (ctx, _) => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText("Assumed."));
        _sts = await FakeUpstream.StartAsync(AnswerAssumeRoleAsync);
    }

    public async Task DisposeAsync()
    {
        await _sts.DisposeAsync();
        await _bedrock.DisposeAsync();
    }

    /// <summary>STS's AssumeRole answer: the role's session credentials, valid for one hour of the test's clock.</summary>
    private Task AnswerAssumeRoleAsync(HttpContext ctx, RecordedRequest r)
    {
        var form = HttpUtility.ParseQueryString(r.Body);
        if (form["Action"] != "AssumeRole")
        {
            ctx.Response.StatusCode = 400;
            return ctx.Response.WriteAsync("<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>");
        }
        var expires = _clock.GetUtcNow().AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        ctx.Response.ContentType = "text/xml";
        return ctx.Response.WriteAsync($"""
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <Credentials>
                  <AccessKeyId>{FakeBedrock.AccessKey}</AccessKeyId>
                  <SecretAccessKey>{FakeBedrock.SecretKey}</SecretAccessKey>
                  <SessionToken>{FakeBedrock.SessionToken}</SessionToken>
                  <Expiration>{expires}</Expiration>
                </Credentials>
                <AssumedRoleUser>
                  <AssumedRoleId>AROA3XFRBF535PLBIFPI4:{form["RoleSessionName"]}</AssumedRoleId>
                  <Arn>arn:aws:sts::123456789012:assumed-role/bedrock-invoker/{form["RoleSessionName"]}</Arn>
                </AssumedRoleUser>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """);
    }

    [Fact]
    public async Task Calls_are_signed_with_the_assumed_role_which_is_reused_until_near_its_expiry()
    {
        await using var gw = await TestGateway.StartAsync($"""
            model_list:
              - model_name: claude
                litellm_params:
                  model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
                  api_base: {_bedrock.Url}
                  aws_region_name: {FakeBedrock.Region}
                  aws_access_key_id: AKIABASEUSER00000001
                  aws_secret_access_key: base-user-secret
                  aws_role_name: {RoleArn}
                  aws_session_name: gateway-tests
                  aws_sts_endpoint: {_sts.BaseAddress.ToString().TrimEnd('/')}
            """, services: TestClock.Use(_clock));
        var chat = gw.OpenAI().GetChatClient("claude");

        ChatCompletion first = await chat.CompleteChatAsync([new UserChatMessage("Hi")]);
        await chat.CompleteChatAsync([new UserChatMessage("Hi again")]);

        Assert.Equal("Assumed.", first.Content[0].Text);
        Assert.Empty(_bedrock.SignatureProblems); // the fake accepts only the role's key and session token
        Assert.All(_bedrock.Calls, c => Assert.Contains(FakeBedrock.AccessKey, c.Headers["authorization"]));
        var assume = Assert.Single(_sts.Requests);
        var form = HttpUtility.ParseQueryString(assume.Body);
        Assert.Equal((RoleArn, "gateway-tests"), (form["RoleArn"], form["RoleSessionName"]));
        // The STS call itself is signed with the base user's key.
        Assert.Contains("Credential=AKIABASEUSER00000001/", assume.Header("authorization"));

        _clock.Advance(TimeSpan.FromMinutes(50)); // still 10 minutes left: reused
        await chat.CompleteChatAsync([new UserChatMessage("Later")]);
        Assert.Single(_sts.Requests);

        _clock.Advance(TimeSpan.FromMinutes(6)); // within five minutes of expiry: assumed again
        await chat.CompleteChatAsync([new UserChatMessage("Much later")]);
        Assert.Equal(2, _sts.Requests.Count);
        Assert.Empty(_bedrock.SignatureProblems);
    }
}
