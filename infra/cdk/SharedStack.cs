using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Constructs;

namespace Gateway.Cdk;

/// <summary>The two tables of one tenant.</summary>
public sealed record TenantTables(Table Governance, Table Spend);

/// <summary>
/// The data stack: for each tenant, <c>&lt;prefix&gt;-&lt;tenant&gt;-governance</c> (keys, teams, users, counters and
/// reservations) and <c>&lt;prefix&gt;-&lt;tenant&gt;-spend</c> (the spend log and its rollups, streaming new items to the
/// tenant's function for alerts). Separate tables per tenant keep keys, budgets and spend isolated (a tenant's role is
/// granted only its own). All are on-demand with point-in-time recovery, keyed <c>pk</c>/<c>sk</c> (strings), expire
/// items through the <c>expires_at</c> attribute (epoch seconds), and are retained when the stack is deleted.
/// </summary>
public sealed class SharedStack : Stack
{
    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string TtlAttribute = "expires_at";

    private readonly Dictionary<string, TenantTables> _tables = new(StringComparer.Ordinal);

    public SharedStack(Construct scope, string id, GatewaySettings settings, Amazon.CDK.Environment? env = null)
        : base(scope, id, new StackProps { Env = env, Description = "Serverless LLM gateway: the tenants' DynamoDB tables (governance, spend)" })
    {
        foreach (var tenant in settings.Tenants)
        {
            var name = tenant.Name;
            var tables = new TenantTables(
                NewTable($"Governance-{name}", settings.GovernanceTableName(name), stream: null),
                NewTable($"Spend-{name}", settings.SpendTableName(name), StreamViewType.NEW_IMAGE));
            _tables[name] = tables;
            new CfnOutput(this, $"GovernanceTableName-{name}", new CfnOutputProps { Value = tables.Governance.TableName });
            new CfnOutput(this, $"SpendTableName-{name}", new CfnOutputProps { Value = tables.Spend.TableName });
        }
    }

    public TenantTables TablesOf(string tenant) => _tables[tenant];

    private Table NewTable(string id, string name, StreamViewType? stream) => new(this, id, new TableProps
    {
        TableName = name,
        PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = PartitionKey, Type = AttributeType.STRING },
        SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = SortKey, Type = AttributeType.STRING },
        BillingMode = BillingMode.PAY_PER_REQUEST,
        PointInTimeRecovery = true,
        TimeToLiveAttribute = TtlAttribute,
        Stream = stream,
        RemovalPolicy = RemovalPolicy.RETAIN,
    });
}
