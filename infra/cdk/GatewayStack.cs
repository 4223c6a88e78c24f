using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.EventSources;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SNS;
using Constructs;
using LambdaFunctionTarget = Amazon.CDK.AWS.Events.Targets.LambdaFunction;

namespace Gateway.Cdk;

/// <summary>
/// One tenant's gateway: the Native AOT binary on <c>provided.al2023</c> behind the Lambda Web Adapter layer, a public
/// streaming Function URL, a least-privilege role, the spend-stream mapping (alerts), the sweeper schedules and alarms.
/// </summary>
public sealed class GatewayStack : Stack
{
    /// <summary>The environment variables the app reads (names shared with the app code; keep in step).</summary>
    public static class Env
    {
        public const string LwaPort = "AWS_LWA_PORT";
        public const string LwaReadinessPath = "AWS_LWA_READINESS_CHECK_PATH";
        public const string LwaInvokeMode = "AWS_LWA_INVOKE_MODE";
        public const string LwaPassThroughPath = "AWS_LWA_PASS_THROUGH_PATH";
        public const string Tenant = "GATEWAY_TENANT";
        public const string Store = "GATEWAY_STORE";
        public const string DynamoDbTable = "GATEWAY_DYNAMODB_TABLE";
        public const string TablePrefix = "GATEWAY_TABLE_PREFIX";
        public const string SpendSink = "GATEWAY_SPEND_SINK";
        public const string SpendTable = "GATEWAY_SPEND_TABLE";
        public const string SpendRollups = "GATEWAY_SPEND_ROLLUPS";
        public const string MasterKeyParameter = "GATEWAY_MASTER_KEY_PARAMETER";
        public const string SecretParameters = "GATEWAY_SECRET_PARAMETERS";
    }

    public const int AppPort = 8080;
    public const string ReadinessPath = "/health/liveliness";
    public const string PassThroughPath = "/events";

    /// <summary>The attribute of spend-table items that names their tenant; the stream mapping filters on it.</summary>
    public const string TenantAttribute = "tenant";

    /// <summary>The constant inputs of the schedules; they arrive as POST bodies on <see cref="PassThroughPath"/>.</summary>
    public const string SweeperJob = "reservation-sweep";
    public const string AlertSweepJob = "alert-sweep";

    /// <summary>CloudWatch Logs retention values, by days.</summary>
    public static readonly IReadOnlyDictionary<int, RetentionDays> RetentionByDays = new Dictionary<int, RetentionDays>
    {
        [1] = RetentionDays.ONE_DAY, [3] = RetentionDays.THREE_DAYS, [5] = RetentionDays.FIVE_DAYS,
        [7] = RetentionDays.ONE_WEEK, [14] = RetentionDays.TWO_WEEKS, [30] = RetentionDays.ONE_MONTH,
        [60] = RetentionDays.TWO_MONTHS, [90] = RetentionDays.THREE_MONTHS, [120] = RetentionDays.FOUR_MONTHS,
        [150] = RetentionDays.FIVE_MONTHS, [180] = RetentionDays.SIX_MONTHS, [365] = RetentionDays.ONE_YEAR,
        [400] = RetentionDays.THIRTEEN_MONTHS, [545] = RetentionDays.EIGHTEEN_MONTHS, [731] = RetentionDays.TWO_YEARS,
        [1827] = RetentionDays.FIVE_YEARS, [3653] = RetentionDays.TEN_YEARS,
    };

    /// <summary>Geographic prefixes of Bedrock system-defined (cross-region) inference profile ids.</summary>
    private static readonly string[] InferenceProfilePrefixes = ["us", "eu", "apac", "us-gov", "jp", "au", "ca", "global"];

    public Function Function { get; }
    public FunctionUrl FunctionUrl { get; }
    public TenantSettings Tenant { get; }

    public GatewayStack(Construct scope, string id, GatewaySettings settings, TenantSettings tenant, SharedStack shared, Amazon.CDK.Environment? env = null)
        : base(scope, id, new StackProps { Env = env, Description = $"Serverless LLM gateway: tenant '{tenant.Name}'" })
    {
        Tenant = tenant;
        Amazon.CDK.Tags.Of(this).Add("gateway:tenant", tenant.Name);

        if (!Directory.Exists(settings.AssetPath) || !File.Exists(Path.Combine(settings.AssetPath, "bootstrap")))
            throw new ArgumentException(
                $"asset: '{settings.AssetPath}' has no 'bootstrap'. Build the package first (functions/aws/package.sh), " +
                "or pass -c asset=<directory with bootstrap and bootstrap-gateway>.");

        var functionName = $"{settings.TablePrefix}-{tenant.Name}";
        var logGroup = new LogGroup(this, "Logs", new Amazon.CDK.AWS.Logs.LogGroupProps
        {
            LogGroupName = $"/aws/lambda/{functionName}",
            Retention = RetentionByDays[settings.LogRetentionDays],
            RemovalPolicy = RemovalPolicy.DESTROY,
        });

        var role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = $"Gateway tenant '{tenant.Name}': Bedrock models, gateway tables, its SSM parameters",
        });
        // Logging: only this function's log group (the managed basic-execution policy would allow every log group).
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "Logs",
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resources = [logGroup.LogGroupArn],
        }));

        var arch = settings.Architecture == LambdaArchitecture.Arm64 ? Architecture.ARM_64 : Architecture.X86_64;
        var layerArn = settings.LwaLayerArn ?? LwaLayerArn(settings.Architecture, settings.LwaLayerVersion);

        var environment = new Dictionary<string, string>
        {
            [Env.LwaPort] = AppPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Env.LwaReadinessPath] = ReadinessPath,
            [Env.LwaInvokeMode] = "response_stream",
            [Env.LwaPassThroughPath] = PassThroughPath,
            [Env.Tenant] = tenant.Name,
            [Env.Store] = "dynamodb",
            [Env.DynamoDbTable] = settings.GovernanceTableName(tenant.Name),
            [Env.TablePrefix] = settings.TenantTablePrefix(tenant.Name),
            [Env.SpendSink] = "dynamodb",
            [Env.SpendTable] = settings.SpendTableName(tenant.Name),
            // The hand-off is one write; the spend table's stream (below) adds the rollups off the request path.
            [Env.SpendRollups] = "stream",
            [Env.MasterKeyParameter] = tenant.MasterKeyParameter,
        };
        if (tenant.ProviderKeys.Count > 0)
            environment[Env.SecretParameters] = string.Join(",", tenant.ProviderKeys.Select(p => $"{p.EnvironmentVariable}={p.ParameterName}"));

        Function = new Function(this, "Function", new FunctionProps
        {
            FunctionName = functionName,
            Description = $"Serverless LLM gateway, tenant '{tenant.Name}' (Native AOT behind the Lambda Web Adapter)",
            Runtime = Runtime.PROVIDED_AL2023,
            Handler = "bootstrap",
            Code = Code.FromAsset(settings.AssetPath, new Amazon.CDK.AWS.S3.Assets.AssetOptions { Exclude = ["*.dbg", "*.pdb"] }),
            Architecture = arch,
            MemorySize = settings.MemoryMb,
            Timeout = Duration.Minutes(15),
            Layers = [LayerVersion.FromLayerVersionArn(this, "WebAdapter", layerArn)],
            Environment = environment,
            Role = role,
            LogGroup = logGroup,
            ReservedConcurrentExecutions = settings.ReservedConcurrency,
        });

        // Schedules invoke asynchronously; each runs every minute, so a failed run is not retried.
        Function.ConfigureAsyncInvoke(new EventInvokeConfigOptions { RetryAttempts = 0, MaxEventAge = Duration.Minutes(2) });

        // Public, streaming Function URL. CDK adds lambda:InvokeFunctionUrl (FunctionUrlAuthType NONE); public URLs
        // also need lambda:InvokeFunction, limited here to calls made through the Function URL.
        FunctionUrl = Function.AddFunctionUrl(new FunctionUrlOptions
        {
            AuthType = FunctionUrlAuthType.NONE,
            InvokeMode = InvokeMode.RESPONSE_STREAM,
        });
        Function.AddPermission("PublicInvokeViaUrl", new Permission
        {
            Principal = new AnyPrincipal(),
            Action = "lambda:InvokeFunction",
        });
        ((CfnPermission)Function.Node.FindChild("PublicInvokeViaUrl")).AddPropertyOverride("InvokedViaFunctionUrl", true);

        GrantBedrock(role, tenant);
        var tables = shared.TablesOf(tenant.Name);
        tables.Governance.GrantReadWriteData(role);
        tables.Spend.GrantReadWriteData(role);
        GrantParameters(role, tenant);

        // Its spend table's stream -> this tenant's function (alerts), partial batch failures. The tenant filter is a
        // second guard: the gateway writes its tenant on every spend item.
        Function.AddEventSource(new DynamoEventSource(tables.Spend, new DynamoEventSourceProps
        {
            StartingPosition = StartingPosition.TRIM_HORIZON,
            BatchSize = 100,
            MaxBatchingWindow = Duration.Seconds(5),
            BisectBatchOnError = true,
            RetryAttempts = 5,
            MaxRecordAge = Duration.Hours(1),
            ReportBatchItemFailures = true,
            ParallelizationFactor = 1,
            Filters =
            [
                FilterCriteria.Filter(new Dictionary<string, object>
                {
                    ["dynamodb"] = new Dictionary<string, object>
                    {
                        ["NewImage"] = new Dictionary<string, object>
                        {
                            [TenantAttribute] = new Dictionary<string, object> { ["S"] = FilterRule.IsEqual(tenant.Name) },
                        },
                    },
                }),
            ],
        }));

        Schedule("ReservationSweep", SweeperJob, "Releases expired limit reservations");
        Schedule("AlertSweep", AlertSweepJob, "Evaluates budget and spend alert rules");

        Alarms(settings, functionName);

        new CfnOutput(this, "FunctionUrl", new CfnOutputProps
        {
            Value = FunctionUrl.Url,
            Description = $"OpenAI-compatible base URL of tenant '{tenant.Name}' (append v1/)",
        });
        new CfnOutput(this, "FunctionName", new CfnOutputProps { Value = Function.FunctionName });
        new CfnOutput(this, "LogGroupName", new CfnOutputProps { Value = logGroup.LogGroupName });
    }

    /// <summary>The Lambda Web Adapter layer for this stack's region and the architecture.</summary>
    private string LwaLayerArn(LambdaArchitecture arch, int version) =>
        $"arn:{Partition}:lambda:{Region}:{GatewaySettings.LwaLayerAccount}:layer:" +
        $"{(arch == LambdaArchitecture.Arm64 ? "LambdaAdapterLayerArm64" : "LambdaAdapterLayerX86")}:{version}";

    /// <summary>The ARNs that <c>bedrock:InvokeModel*</c> is allowed on for the tenant's model list.</summary>
    public IReadOnlyList<string> BedrockResourceArns(IEnumerable<string> models)
    {
        var arns = new List<string>();
        foreach (var model in models)
        {
            if (model.StartsWith("arn:", StringComparison.Ordinal))
            {
                arns.Add(model);
                // A system inference profile ARN also needs its model in the regions it routes to.
                var marker = ":inference-profile/";
                var at = model.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0 && BaseModelOfProfile(model[(at + marker.Length)..]) is { } baseOfArn)
                    arns.Add(FoundationModelArn(baseOfArn, "*"));
                continue;
            }
            if (BaseModelOfProfile(model) is { } baseModel)
            {
                // Cross-region inference profile: the profile in this region, and the model in every region it routes to.
                arns.Add(FormatArn(new ArnComponents { Service = "bedrock", Resource = "inference-profile", ResourceName = model, ArnFormat = ArnFormat.SLASH_RESOURCE_NAME }));
                arns.Add(FoundationModelArn(baseModel, "*"));
            }
            else
            {
                arns.Add(FoundationModelArn(model, Region));
            }
        }
        return arns.Distinct().ToList();
    }

    private string FoundationModelArn(string modelId, string region) => FormatArn(new ArnComponents
    {
        Service = "bedrock", Region = region, Account = "", Resource = "foundation-model", ResourceName = modelId,
        ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
    });

    private static string? BaseModelOfProfile(string id)
    {
        var dot = id.IndexOf('.');
        if (dot <= 0) return null;
        var head = id[..dot];
        return InferenceProfilePrefixes.Contains(head) && id.IndexOf('.', dot + 1) > 0 ? id[(dot + 1)..] : null;
    }

    private void GrantBedrock(Role role, TenantSettings tenant)
    {
        if (tenant.BedrockModels.Count == 0) return; // no Bedrock models: no Bedrock permission at all
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "BedrockInvokeListedModels",
            Actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            Resources = BedrockResourceArns(tenant.BedrockModels).ToArray(),
        }));
    }

    private void GrantParameters(Role role, TenantSettings tenant)
    {
        var names = new[] { tenant.MasterKeyParameter }.Concat(tenant.ProviderKeys.Select(p => p.ParameterName)).Distinct();
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadOwnParameters",
            Actions = ["ssm:GetParameter", "ssm:GetParameters"],
            Resources = names.Select(n => FormatArn(new ArnComponents
            {
                Service = "ssm", Resource = "parameter", ResourceName = n.TrimStart('/'), ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
            })).ToArray(),
        }));
        // SecureString values are decrypted by SSM on the function's behalf; allow that and nothing else.
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DecryptParametersViaSsm",
            Actions = ["kms:Decrypt"],
            Resources = [FormatArn(new ArnComponents { Service = "kms", Resource = "key", ResourceName = "*", ArnFormat = ArnFormat.SLASH_RESOURCE_NAME })],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["kms:ViaService"] = $"ssm.{Region}.{UrlSuffix}" },
            },
        }));
    }

    private void Schedule(string id, string job, string description)
    {
        new Rule(this, id, new RuleProps
        {
            Description = $"{description} (tenant '{Tenant.Name}'), every minute",
            Schedule = Amazon.CDK.AWS.Events.Schedule.Rate(Duration.Minutes(1)),
            Targets =
            [
                new LambdaFunctionTarget(Function, new LambdaFunctionProps
                {
                    Event = RuleTargetInput.FromObject(new Dictionary<string, object> { ["job"] = job, ["tenant"] = Tenant.Name }),
                    RetryAttempts = 0,
                    MaxEventAge = Duration.Minutes(2),
                }),
            ],
        });
    }

    private void Alarms(GatewaySettings settings, string functionName)
    {
        var five = Duration.Minutes(5);
        var alarms = new[]
        {
            Function.MetricErrors(new MetricOptions { Period = five, Statistic = "Sum" }).CreateAlarm(this, "ErrorsAlarm", new CreateAlarmOptions
            {
                AlarmName = $"{functionName}-errors",
                AlarmDescription = "The gateway function failed invocations (crashes, timeouts, failed stream batches)",
                Threshold = 1, EvaluationPeriods = 1,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }),
            Function.MetricThrottles(new MetricOptions { Period = five, Statistic = "Sum" }).CreateAlarm(this, "ThrottlesAlarm", new CreateAlarmOptions
            {
                AlarmName = $"{functionName}-throttles",
                AlarmDescription = "Invocations of the gateway function were throttled (concurrency limit reached)",
                Threshold = 1, EvaluationPeriods = 1,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }),
            Function.Metric("ConcurrentExecutions", new MetricOptions { Period = Duration.Minutes(1), Statistic = "Maximum" }).CreateAlarm(this, "ConcurrencyAlarm", new CreateAlarmOptions
            {
                AlarmName = $"{functionName}-concurrency",
                AlarmDescription = "The gateway function is close to its concurrency limit",
                Threshold = settings.ConcurrencyAlarmThreshold, EvaluationPeriods = 3,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }),
            Function.Metric("IteratorAge", new MetricOptions { Period = Duration.Minutes(1), Statistic = "Maximum" }).CreateAlarm(this, "SpendStreamAgeAlarm", new CreateAlarmOptions
            {
                AlarmName = $"{functionName}-spend-stream-age",
                AlarmDescription = "Spend events wait more than 5 minutes before alert processing",
                Threshold = 300_000, EvaluationPeriods = 5,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }),
        };
        if (settings.AlarmTopicArn is { } topicArn)
        {
            var topic = Topic.FromTopicArn(this, "AlarmTopic", topicArn);
            foreach (var alarm in alarms) alarm.AddAlarmAction(new SnsAction(topic));
        }
    }
}
