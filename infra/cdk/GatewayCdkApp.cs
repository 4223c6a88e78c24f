using Amazon.CDK;

namespace Gateway.Cdk;

/// <summary>Builds the whole app from its context: the shared stack and one stack per tenant.</summary>
public static class GatewayCdkApp
{
    public const string SharedStackName = "Gateway-Shared";

    /// <summary>The CloudFormation stack name of a tenant (<c>Gateway-&lt;tenant&gt;</c>).</summary>
    public static string TenantStackName(string tenant) => $"Gateway-{tenant}";

    public static (SharedStack Shared, IReadOnlyList<GatewayStack> Tenants) Build(App app)
    {
        var settings = GatewaySettings.FromContext(app.Node);
        var env = settings.Account is null && settings.Region is null
            ? null
            : new Amazon.CDK.Environment { Account = settings.Account, Region = settings.Region };

        var shared = new SharedStack(app, SharedStackName, settings, env);
        var tenants = new List<GatewayStack>();
        foreach (var tenant in settings.Tenants)
        {
            var stack = new GatewayStack(app, TenantStackName(tenant.Name), settings, tenant, shared, env);
            stack.AddDependency(shared);
            tenants.Add(stack);
        }
        Tags.Of(app).Add("app", "serverless-llm-gateway");
        return (shared, tenants);
    }
}
