using Amazon.CDK;
using Gateway.Cdk;

// cdk synth/deploy -c tenants=a,b (or -c tenantsFile=tenants.json); every context key is in docs/deploy-aws.md.
var app = new App();
try
{
    GatewayCdkApp.Build(app);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
app.Synth();
return 0;
