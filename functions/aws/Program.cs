using Gateway.Hosting;

// Behind the Lambda Web Adapter the app listens on AWS_LWA_PORT (the adapter's default is 8080).
// In Lambda (AWS_LAMBDA_FUNCTION_NAME is set) a master key is required.
return await GatewayApp.RunAsync(args, new GatewayHostOptions
{
    PortVariables = ["AWS_LWA_PORT", "PORT"],
    RequiresMasterKey = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME")),
});
