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
}

@export()
@description('A provider key held in Key Vault and handed to the app as a Key Vault reference under an environment variable name.')
type providerSecret = {
  @description('The environment variable the app reads (for example OPENAI_API_KEY, referenced from gateway.yaml as os.environ/OPENAI_API_KEY).')
  envName: string

  @description('The Key Vault secret name.')
  secretName: string
}
