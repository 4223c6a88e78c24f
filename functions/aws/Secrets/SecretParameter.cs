namespace Gateway.Functions.Aws.Secrets;

/// <summary>One secret to fetch at start-up: the environment variable it fills and the SSM parameter (name or ARN) holding it.</summary>
public sealed record SecretParameter(string Variable, string Parameter);
