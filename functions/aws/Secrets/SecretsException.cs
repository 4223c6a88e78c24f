namespace Gateway.Functions.Aws.Secrets;

/// <summary>A secret could not be read at start-up. The message names the parameter, never a value.</summary>
public sealed class SecretsException(string message) : Exception(message);
