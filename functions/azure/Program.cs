using Gateway.Functions.Azure.Spend;
using Gateway.Hosting;

// Locally: http://127.0.0.1:4000 (PORT or --urls to change). Under the Functions host: the port it hands over in
// FUNCTIONS_CUSTOMHANDLER_PORT. In Azure (WEBSITE_SITE_NAME is set) a master key is required.
// Spend events reach Event Hubs through the SDK (amqp, amqpwebsockets), which only this host carries, or REST.
return await GatewayApp.RunAsync(args, new GatewayHostOptions
{
    PortVariables = ["FUNCTIONS_CUSTOMHANDLER_PORT", "PORT"],
    RequiresMasterKey = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_SITE_NAME")),
    ConfigureServices = services => services.AddEventHubsSdkTransport(),
});
