using Amazon.CDK.Assertions;
using Gateway.Cdk;
using Newtonsoft.Json.Linq;
using static Gateway.Infra.Aws.Tests.TestSupport;

namespace Gateway.Infra.Aws.Tests;

/// <summary>Template assertions on the two-tenant app (in-process, no AWS account, no network).</summary>
public sealed class GatewayStackTests(TwoTenantApp app) : IClassFixture<TwoTenantApp>
{
    private const string P = "${AWS::Partition}";

    public static TheoryData<string> Tenants => new() { "alpha", "beta" };

    [Fact]
    public void Shared_stack_has_the_governance_and_spend_tables_on_demand_with_pitr_and_ttl()
    {
        var tables = app.SharedTemplate.Resources("AWS::DynamoDB::Table");
        Assert.Equal(4, tables.Count); // two per tenant: tenants never share keys, budgets or spend
        foreach (var name in new[] { "gateway-alpha-governance", "gateway-alpha-spend", "gateway-beta-governance", "gateway-beta-spend" })
        {
            var table = tables.Single(t => (string?)t.Props["TableName"] == name).Props;
            Assert.Equal("PAY_PER_REQUEST", (string?)table["BillingMode"]);
            Assert.True((bool)table["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!);
            Assert.Equal("expires_at", (string?)table["TimeToLiveSpecification"]!["AttributeName"]);
            Assert.True((bool)table["TimeToLiveSpecification"]!["Enabled"]!);
            Assert.Equal(["pk:HASH", "sk:RANGE"], table["KeySchema"]!.Select(k => $"{k["AttributeName"]}:{k["KeyType"]}"));
            Assert.Equal(["pk:S", "sk:S"], table["AttributeDefinitions"]!.Select(k => $"{k["AttributeName"]}:{k["AttributeType"]}"));
        }
        // Data outlives the stack.
        foreach (var table in ((JObject)app.SharedTemplate["Resources"]!).Properties().Where(p => (string?)p.Value["Type"] == "AWS::DynamoDB::Table"))
            Assert.Equal("Retain", (string?)table.Value["DeletionPolicy"]);
    }

    [Fact]
    public void Spend_table_streams_new_images_and_governance_table_has_no_stream()
    {
        foreach (var tenant in new[] { "alpha", "beta" })
        {
            app.SharedAssertions.HasResourceProperties("AWS::DynamoDB::Table", new Dictionary<string, object>
            {
                ["TableName"] = $"gateway-{tenant}-spend",
                ["StreamSpecification"] = new Dictionary<string, object> { ["StreamViewType"] = "NEW_IMAGE" },
            });
            app.SharedAssertions.HasResourceProperties("AWS::DynamoDB::Table", new Dictionary<string, object>
            {
                ["TableName"] = $"gateway-{tenant}-governance",
                ["StreamSpecification"] = Match.Absent(),
            });
        }
    }

    [Theory, MemberData(nameof(Tenants))]
    public void Each_tenant_has_one_function_on_provided_al2023_with_its_settings(string tenant)
    {
        var template = app.TemplateOf(tenant);
        var fn = Assert.Single(template.Resources("AWS::Lambda::Function")).Props;
        Assert.Equal("provided.al2023", (string?)fn["Runtime"]);
        Assert.Equal("bootstrap", (string?)fn["Handler"]);
        Assert.Equal(["x86_64"], fn["Architectures"]!.Select(a => (string)a!));
        Assert.Equal(1024, (int)fn["MemorySize"]!);
        Assert.Equal(900, (int)fn["Timeout"]!);
        Assert.Equal($"gateway-{tenant}", (string?)fn["FunctionName"]);
        Assert.NotNull(fn["Code"]!["S3Key"]); // the asset directory, zipped by the CLI
    }

    [Theory, MemberData(nameof(Tenants))]
    public void Function_has_the_web_adapter_layer_for_its_region_and_architecture(string tenant)
    {
        var fn = Assert.Single(app.TemplateOf(tenant).Resources("AWS::Lambda::Function")).Props;
        var layer = Assert.Single(List(fn["Layers"]));
        Assert.Equal($"arn:{P}:lambda:{Region}:753240598075:layer:LambdaAdapterLayerX86:{GatewaySettings.DefaultLwaLayerVersion}", layer);
    }

    [Fact]
    public void Function_environment_is_complete_and_holds_parameter_names_not_secrets()
    {
        var alpha = Environment("alpha");
        Assert.Equal(new Dictionary<string, string>
        {
            ["AWS_LWA_PORT"] = "8080",
            ["AWS_LWA_READINESS_CHECK_PATH"] = "/health/liveliness",
            ["AWS_LWA_INVOKE_MODE"] = "response_stream",
            ["AWS_LWA_PASS_THROUGH_PATH"] = "/events",
            ["GATEWAY_TENANT"] = "alpha",
            ["GATEWAY_STORE"] = "dynamodb",
            ["GATEWAY_DYNAMODB_TABLE"] = "gateway-alpha-governance",
            ["GATEWAY_TABLE_PREFIX"] = "gateway-alpha",
            ["GATEWAY_SPEND_SINK"] = "dynamodb",
            ["GATEWAY_SPEND_TABLE"] = "gateway-alpha-spend",
            ["GATEWAY_SPEND_ROLLUPS"] = "stream",
            ["GATEWAY_MASTER_KEY_PARAMETER"] = "/gateway/alpha/master-key",
            // Alert channel URLs and the webhook signing secret come from SSM as provider keys do.
            ["GATEWAY_SECRET_PARAMETERS"] = "OPENAI_API_KEY=/gateway/alpha/OPENAI_API_KEY,SLACK_WEBHOOK_URL=/gateway/alpha/SLACK_WEBHOOK_URL,GATEWAY_WEBHOOK_SIGNING_SECRET=/shared/alert-signing",
        }, alpha);

        var beta = Environment("beta");
        Assert.Equal("beta", beta["GATEWAY_TENANT"]);
        Assert.Equal("/custom/beta-master", beta["GATEWAY_MASTER_KEY_PARAMETER"]);
        Assert.Equal("ANTHROPIC_API_KEY=/shared/anthropic-key", beta["GATEWAY_SECRET_PARAMETERS"]);
        Assert.DoesNotContain(alpha.Keys.Concat(beta.Keys), k => k is "GATEWAY_MASTER_KEY" or "OPENAI_API_KEY" or "ANTHROPIC_API_KEY" or "SLACK_WEBHOOK_URL" or "GATEWAY_WEBHOOK_SIGNING_SECRET");
    }

    private Dictionary<string, string> Environment(string tenant)
    {
        var fn = Assert.Single(app.TemplateOf(tenant).Resources("AWS::Lambda::Function")).Props;
        return ((JObject)fn["Environment"]!["Variables"]!).Properties().ToDictionary(p => p.Name, p => Render(p.Value));
    }

    [Theory, MemberData(nameof(Tenants))]
    public void Function_url_streams_and_is_public_with_both_permissions(string tenant)
    {
        var template = app.TemplateOf(tenant);
        var url = Assert.Single(template.Resources("AWS::Lambda::Url")).Props;
        Assert.Equal("RESPONSE_STREAM", (string?)url["InvokeMode"]);
        Assert.Equal("NONE", (string?)url["AuthType"]);

        var permissions = template.Resources("AWS::Lambda::Permission").Select(p => p.Props).ToList();
        var invokeUrl = Assert.Single(permissions, p => (string?)p["Action"] == "lambda:InvokeFunctionUrl");
        Assert.Equal("*", (string?)invokeUrl["Principal"]);
        Assert.Equal("NONE", (string?)invokeUrl["FunctionUrlAuthType"]);

        var invoke = Assert.Single(permissions, p => (string?)p["Action"] == "lambda:InvokeFunction" && (string?)p["Principal"] == "*");
        Assert.True((bool)invoke["InvokedViaFunctionUrl"]!);

        var output = (JObject)template["Outputs"]!["FunctionUrl"]!;
        Assert.Matches(@"^\$\{FunctionFunctionUrl[0-9A-F]+\.FunctionUrl\}$", Render(output["Value"]));
    }

    [Fact]
    public void Bedrock_is_allowed_only_on_each_tenants_listed_models()
    {
        Assert.Equal(
            new[]
            {
                $"arn:{P}:bedrock:{Region}::foundation-model/{TwoTenantApp.HaikuModel}",
                $"arn:{P}:bedrock:{Region}:{Account}:inference-profile/{TwoTenantApp.HaikuProfile}",
                // a cross-region profile routes to the model in other regions, which must be allowed too
                $"arn:{P}:bedrock:*::foundation-model/{TwoTenantApp.HaikuModel}",
            }.Order(),
            BedrockResources("alpha").Order());
        Assert.Equal([$"arn:{P}:bedrock:{Region}::foundation-model/{TwoTenantApp.TitanEmbed}"], BedrockResources("beta"));
    }

    [Theory, MemberData(nameof(Tenants))]
    public void No_bedrock_action_is_allowed_on_a_wildcard_resource(string tenant)
    {
        foreach (var statement in app.TemplateOf(tenant).Statements())
        {
            var actions = List(statement["Action"]);
            if (!actions.Any(a => a.StartsWith("bedrock:", StringComparison.Ordinal))) continue;
            Assert.Equal(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], actions);
            foreach (var resource in List(statement["Resource"]))
            {
                Assert.NotEqual("*", resource);
                Assert.DoesNotMatch(@"foundation-model/\*|inference-profile/\*", resource);
            }
            Assert.Null(statement["NotResource"]);
        }
        Assert.DoesNotContain(app.TemplateOf(tenant).Statements().SelectMany(s => List(s["Action"])), a => a is "*" or "bedrock:*");
    }

    private List<string> BedrockResources(string tenant)
    {
        var statement = Assert.Single(app.TemplateOf(tenant).Statements(), s => List(s["Action"]).Any(a => a.StartsWith("bedrock:", StringComparison.Ordinal)));
        return List(statement["Resource"]);
    }

    [Theory, MemberData(nameof(Tenants))]
    public void Role_reads_and_writes_its_own_two_tables_and_no_other_tenants(string tenant)
    {
        var statements = app.TemplateOf(tenant).Statements();
        var other = tenant == "alpha" ? "beta" : "alpha";
        Assert.DoesNotContain(statements.SelectMany(s => List(s["Resource"])), r => r.Contains("Governance" + other, StringComparison.Ordinal) || r.Contains("Spend" + other, StringComparison.Ordinal));
        foreach (var table in new[] { "Governance", "Spend" })
        {
            var tableArn = new System.Text.RegularExpressions.Regex($"^import:Gateway-Shared:ExportsOutputFnGetAtt{table}{tenant}[0-9A-F]{{8}}Arn[0-9A-F]{{8}}$");
            var rw = Assert.Single(statements, s => List(s["Resource"]).Any(tableArn.IsMatch));
            var actions = List(rw["Action"]);
            Assert.Contains("dynamodb:GetItem", actions);
            Assert.Contains("dynamodb:PutItem", actions);
            Assert.Contains("dynamodb:UpdateItem", actions);
            Assert.Contains("dynamodb:Query", actions);
            Assert.Contains("dynamodb:ConditionCheckItem", actions);
            Assert.DoesNotContain("dynamodb:*", actions);
        }
        // TransactWriteItems is authorized per item action (PutItem/UpdateItem/ConditionCheckItem); no table-admin actions.
        Assert.DoesNotContain(statements.SelectMany(s => List(s["Action"])), a => a is "dynamodb:DeleteTable" or "dynamodb:CreateTable" or "dynamodb:*");
    }

    [Fact]
    public void Role_reads_only_its_own_ssm_parameters_and_decrypts_only_through_ssm()
    {
        Assert.Equal([$"arn:{P}:ssm:{Region}:{Account}:parameter/gateway/alpha/master-key", $"arn:{P}:ssm:{Region}:{Account}:parameter/gateway/alpha/OPENAI_API_KEY",
            $"arn:{P}:ssm:{Region}:{Account}:parameter/gateway/alpha/SLACK_WEBHOOK_URL", $"arn:{P}:ssm:{Region}:{Account}:parameter/shared/alert-signing"],
            SsmResources("alpha"));
        Assert.Equal([$"arn:{P}:ssm:{Region}:{Account}:parameter/custom/beta-master", $"arn:{P}:ssm:{Region}:{Account}:parameter/shared/anthropic-key"],
            SsmResources("beta"));

        var kms = Assert.Single(app.AlphaTemplate.Statements(), s => List(s["Action"]).Contains("kms:Decrypt"));
        Assert.Equal(["kms:Decrypt"], List(kms["Action"]));
        Assert.Equal($"ssm.{Region}.${{AWS::URLSuffix}}", Render(kms["Condition"]!["StringEquals"]!["kms:ViaService"]));
    }

    private List<string> SsmResources(string tenant)
    {
        var statement = Assert.Single(app.TemplateOf(tenant).Statements(), s => List(s["Action"]).Any(a => a.StartsWith("ssm:", StringComparison.Ordinal)));
        Assert.Equal(["ssm:GetParameter", "ssm:GetParameters"], List(statement["Action"]));
        return List(statement["Resource"]);
    }

    [Theory, MemberData(nameof(Tenants))]
    public void Spend_stream_maps_to_the_function_with_partial_batch_failures(string tenant)
    {
        var esm = Assert.Single(app.TemplateOf(tenant).Resources("AWS::Lambda::EventSourceMapping")).Props;
        Assert.Equal(["ReportBatchItemFailures"], List(esm["FunctionResponseTypes"]));
        Assert.True((bool)esm["BisectBatchOnFunctionError"]!);
        Assert.Equal(5, (int)esm["MaximumRetryAttempts"]!);
        Assert.Equal(3600, (int)esm["MaximumRecordAgeInSeconds"]!);
        Assert.Equal(100, (int)esm["BatchSize"]!);
        Assert.Equal("TRIM_HORIZON", (string?)esm["StartingPosition"]);
        Assert.Matches($@"^import:Gateway-Shared:ExportsOutputFnGetAttSpend{tenant}[0-9A-F]+StreamArn", Render(esm["EventSourceArn"]));
        var pattern = JObject.Parse((string)Assert.Single((JArray)esm["FilterCriteria"]!["Filters"]!)["Pattern"]!);
        Assert.Equal(new JArray(tenant), pattern["dynamodb"]!["NewImage"]!["tenant"]!["S"]);
    }

    [Theory, MemberData(nameof(Tenants))]
    public void Sweeper_and_alert_sweep_run_every_minute_with_a_job_input(string tenant)
    {
        var template = app.TemplateOf(tenant);
        var rules = template.Resources("AWS::Events::Rule");
        Assert.Equal(2, rules.Count);
        var jobs = new List<string>();
        foreach (var (_, rule) in rules)
        {
            Assert.Equal("rate(1 minute)", (string?)rule["ScheduleExpression"]);
            var target = (JObject)Assert.Single((JArray)rule["Targets"]!);
            Assert.Matches(@"^\$\{Function[0-9A-F]+\.Arn\}$", Render(target["Arn"]));
            var input = JObject.Parse((string)target["Input"]!);
            Assert.Equal(tenant, (string?)input["tenant"]);
            jobs.Add((string)input["job"]!);
        }
        Assert.Equal(["alert-sweep", "reservation-sweep"], jobs.Order());
        Assert.Equal(2, template.Resources("AWS::Lambda::Permission").Count(p => (string?)p.Props["Principal"] == "events.amazonaws.com"));
    }

    [Theory, MemberData(nameof(Tenants))]
    public void Alarms_watch_errors_throttles_concurrency_and_stream_age(string tenant)
    {
        var alarms = app.TemplateOf(tenant).Resources("AWS::CloudWatch::Alarm").Select(a => a.Props).ToList();
        Assert.Equal(["ConcurrentExecutions", "Errors", "IteratorAge", "Throttles"], alarms.Select(a => (string)a["MetricName"]!).Order());
        foreach (var alarm in alarms)
        {
            Assert.Equal("AWS/Lambda", (string?)alarm["Namespace"]);
            var dimension = (JObject)Assert.Single((JArray)alarm["Dimensions"]!);
            Assert.Equal("FunctionName", (string?)dimension["Name"]);
            Assert.StartsWith($"gateway-{tenant}-", (string?)alarm["AlarmName"]);
        }
    }

    [Theory, MemberData(nameof(Tenants))]
    public void Logs_go_to_a_log_group_with_retention(string tenant)
    {
        var template = app.TemplateOf(tenant);
        var (id, group) = Assert.Single(template.Resources("AWS::Logs::LogGroup"));
        Assert.Equal(30, (int)group["RetentionInDays"]!);
        Assert.Equal($"/aws/lambda/gateway-{tenant}", (string?)group["LogGroupName"]);
        var fn = Assert.Single(template.Resources("AWS::Lambda::Function")).Props;
        Assert.Equal("${" + id + "}", Render(fn["LoggingConfig"]!["LogGroup"]));
        // The role may write only there (no account-wide logs permission from the basic execution policy).
        var logs = Assert.Single(template.Statements(), s => List(s["Action"]).Any(a => a.StartsWith("logs:", StringComparison.Ordinal)));
        Assert.Equal(["${" + id + ".Arn}"], List(logs["Resource"]));
        Assert.DoesNotContain(template.Resources("AWS::IAM::Role"), r => r.Props["ManagedPolicyArns"] is not null);
    }

    [Fact]
    public void Tenant_stacks_are_separate_and_depend_on_the_shared_stack()
    {
        Assert.Equal("Gateway-alpha", app.Alpha.StackName);
        Assert.Equal("Gateway-beta", app.Beta.StackName);
        Assert.Contains(app.Shared, app.Alpha.Dependencies);
        Assert.Contains(app.Shared, app.Beta.Dependencies);
        Assert.Empty(app.SharedTemplate.Resources("AWS::Lambda::Function"));
    }
}
