// Shared parameter types for main.bicep and the per-tenant module.

@export()
@description('One gateway tenant: its own Flex Consumption function app, plan, managed identity, storage account and spend event hub.')
type tenantConfig = {
  @description('Lowercase letters, digits and hyphens, starting with a letter (it names the tenant\'s resources and is unique in the deployment).')
  @minLength(2)
  @maxLength(20)
  name: string

  @description('Extra app settings for this tenant, for example GATEWAY_KEY_CACHE_SECONDS. The settings the template sets itself (identity, storage, Event Hubs, master key) win over these.')
  settings: { *: string }?

  @description('Flex Consumption scale-out limit (default 100).')
  @minValue(40)
  @maxValue(1000)
  maximumInstanceCount: int?

  @description('Instance memory size in MB (default 2048).')
  instanceMemoryMB: (512 | 2048 | 4096)?

  @description('Resource id of an Azure OpenAI (Cognitive Services) account this tenant may call with its managed identity; overrides the deployment-wide azureOpenAiAccountId.')
  azureOpenAiAccountId: string?

  @description('Bump to rotate this tenant\'s generated master key (default 0). It is part of what the key is derived from, so nothing else changes it.')
  @minValue(0)
  masterKeyVersion: int?

  @description('Provider keys this tenant has its own Key Vault secret for (environment variable names, values in the tenantProviderKeys parameter). Each replaces the shared key of that name for this tenant only; names not listed here fall back to the shared providerKeyNames.')
  providerKeyNames: string[]?
}

@export()
@description('A provider key held in Key Vault and handed to the app as a Key Vault reference under an environment variable name.')
type providerSecret = {
  @description('The environment variable the app reads (for example OPENAI_API_KEY, referenced from gateway.yaml as os.environ/OPENAI_API_KEY).')
  envName: string

  @description('The Key Vault secret name.')
  secretName: string
}

@export()
@description('A tenant\'s generated master key: sk- and 64 hex digits, derived from the deployment\'s secret seed, the tenant name and its key version. Deterministic (guid() is a name-based, SHA-1 UUID), so every redeploy writes the same value and nothing rotates unless the seed or the version changes; one tenant\'s key reveals nothing about another\'s without the seed.')
func tenantMasterKey(seed string, tenant string, version int) string =>
  'sk-${replace(guid(seed, 'gateway-master-key', tenant, string(version), 'a'), '-', '')}${replace(guid(seed, 'gateway-master-key', tenant, string(version), 'b'), '-', '')}'
