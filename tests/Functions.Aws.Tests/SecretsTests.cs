using System.Net;

namespace Gateway.Functions.Aws.Tests;

/// <summary>The master key and provider keys come from SSM Parameter Store at start-up, never from the function's environment.</summary>
public sealed class SecretsTests
{
    [Fact]
    public async Task Master_key_comes_from_ssm()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        using var anonymous = gw.Client();
        using (var denied = await anonymous.GetAsync("/v1/models"))
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        using var master = gw.Client(gw.MasterKey);
        var models = await master.GetStringAsync("/v1/models");
        Assert.Contains(LambdaGateway.BedrockModel, models);

        // One signed GetParameters call for both parameters, and no secret in the logs.
        Assert.Empty(gw.Ssm.Problems);
        var asked = Assert.Single(gw.Ssm.Asked);
        Assert.Equal(new[] { LambdaGateway.MasterKeyParameter, LambdaGateway.CompatKeyParameter }.Order(StringComparer.Ordinal), asked.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(gw.MasterKey, gw.Process.Output);
        Assert.DoesNotContain(gw.CompatKey, gw.Process.Output);
    }

    [Fact]
    public async Task Secret_parameters_fill_the_config_environment_references()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        using var master = gw.Client(gw.MasterKey);
        var answer = await GatewayCalls.CompleteAsync(master, LambdaGateway.CompatModel);
        Assert.Equal("compat says hi", answer["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("Bearer " + gw.CompatKey, gw.Compat.Last.Header("authorization"));
    }

    [Fact]
    public async Task More_than_ten_parameters_are_read_ten_at_a_time()
    {
        await using var gw = await LambdaGateway.CreateAsync();
        var extra = Enumerable.Range(1, 11).Select(i => ($"EXTRA_SECRET_{i}", $"/gateway/test/extra-{i}")).ToList();
        foreach (var (_, name) in extra) gw.Ssm.Parameters[name] = "v-" + name;
        await gw.StartAsync(env => env["GATEWAY_SECRET_PARAMETERS"] += "," + string.Join(",", extra.Select(e => $"{e.Item1}={e.Item2}")));
        Assert.Empty(gw.Ssm.Problems);
        Assert.Equal(2, gw.Ssm.Asked.Count);
        Assert.All(gw.Ssm.Asked, names => Assert.InRange(names.Count, 1, 10));
        Assert.Equal(13, gw.Ssm.Asked.SelectMany(n => n).Distinct().Count());
    }

    [Fact]
    public async Task A_variable_already_set_is_kept_and_its_parameter_not_read()
    {
        await using var gw = await LambdaGateway.CreateAsync();
        await gw.StartAsync(env => env["GATEWAY_MASTER_KEY"] = "sk-from-environment");
        using var fromEnv = gw.Client("sk-from-environment");
        using (var r = await fromEnv.GetAsync("/v1/models")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.DoesNotContain(LambdaGateway.MasterKeyParameter, gw.Ssm.Asked.SelectMany(n => n));
    }

    [Fact]
    public async Task A_missing_parameter_stops_the_start_with_code_2_naming_it()
    {
        await using var gw = await LambdaGateway.CreateAsync();
        gw.Ssm.Parameters.Remove(LambdaGateway.MasterKeyParameter);
        var (code, output) = await gw.RunToExitAsync(_ => { });
        Assert.Equal(2, code);
        Assert.Contains(LambdaGateway.MasterKeyParameter, output);
        Assert.DoesNotContain(gw.CompatKey, output);
    }

    [Fact]
    public async Task An_ssm_access_error_stops_the_start_with_code_2_naming_the_parameter()
    {
        await using var gw = await LambdaGateway.CreateAsync();
        // Credentials SSM does not accept: the fake answers as SSM does to a bad signature.
        var (code, output) = await gw.RunToExitAsync(env => env["AWS_SECRET_ACCESS_KEY"] = "not-the-role-secret");
        Assert.Equal(2, code);
        Assert.Contains(LambdaGateway.MasterKeyParameter, output);
        Assert.Contains("InvalidSignatureException", output);
        Assert.NotEmpty(gw.Ssm.Problems);
    }
}
