using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Constructs;

namespace Gateway.Cdk;

/// <summary>
/// What every tenant shares: the DynamoDB tables. <c>&lt;prefix&gt;-governance</c> holds keys, teams, users, counters
/// and reservations; <c>&lt;prefix&gt;-spend</c> holds the spend log and its rollups and streams new items to the tenants'
/// functions (alerts). Both are on-demand with point-in-time recovery, keyed <c>pk</c>/<c>sk</c> (strings), and expire
/// items through the <c>expires_at</c> attribute (epoch seconds). Tables are retained when the stack is deleted.
/// </summary>
public sealed class SharedStack : Stack
{
    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string TtlAttribute = "expires_at";

    public Table GovernanceTable { get; }
    public Table SpendTable { get; }

    public SharedStack(Construct scope, string id, GatewaySettings settings, Amazon.CDK.Environment? env = null)
        : base(scope, id, new StackProps { Env = env, Description = "Serverless LLM gateway: shared DynamoDB tables (governance, spend)" })
    {
        GovernanceTable = NewTable("Governance", settings.GovernanceTableName, stream: null);
        SpendTable = NewTable("Spend", settings.SpendTableName, StreamViewType.NEW_IMAGE);

        new CfnOutput(this, "GovernanceTableName", new CfnOutputProps { Value = GovernanceTable.TableName });
        new CfnOutput(this, "SpendTableName", new CfnOutputProps { Value = SpendTable.TableName });
    }

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
