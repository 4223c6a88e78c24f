namespace Gateway.Providers.Mock;

/// <summary>The offline mock answers in-process: no api_base, key or settings of its own.</summary>
public sealed class MockConfigRules : IProviderConfigRules;
