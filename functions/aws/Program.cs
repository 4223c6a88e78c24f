using Gateway.Functions.Aws.Secrets;
using Gateway.Hosting;

StartupTrace.Begin(args);
// Secrets first: in Lambda the master key and provider keys are SSM parameters named by GATEWAY_MASTER_KEY_PARAMETER and
// GATEWAY_SECRET_PARAMETERS; they become environment variables before gateway.yaml is read (docs/deploy-aws.md).
if (await StartupSecrets.LoadAsync(Environment.GetEnvironmentVariable, Console.Error) is { } failed) return failed;
StartupTrace.Mark("secrets loaded");

// Behind the Lambda Web Adapter the app listens on AWS_LWA_PORT (the adapter's default is 8080).
// In Lambda (AWS_LAMBDA_FUNCTION_NAME is set) a master key is required.
return await GatewayApp.RunAsync(args, new GatewayHostOptions
{
    PortVariables = ["AWS_LWA_PORT", "PORT"],
    RequiresMasterKey = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME")),
});
