// The serverless LLM gateway on Azure Functions (Flex Consumption, custom handler running the Native AOT binary).
//
// Subscription scope, so `azd up` creates the resource group itself (rg-<environment name> unless resourceGroupName
// is given). Shared per deployment: Log Analytics + Application Insights, the Event Hubs namespace and the Key Vault.
// Per tenant (the `tenants` array, one module instance each): storage account, managed identity, FC1 plan, function
// app, its spend event hub and master-key secret, and its role assignments.

targetScope = 'subscription'

import { tenantConfig, providerSecret } from 'types.bicep'

@description('azd environment name; names the resource group and seeds resource names.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Region for every resource (one that offers Flex Consumption).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group name; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('The tenants: one function app each.')
@minLength(1)
param tenants tenantConfig[] = [
  {
    name: 'default'
  }
]

@description('Secret seed from which each tenant\'s own master key is derived (see tenantMasterKey in types.bicep). azd generates it once and keeps it in the environment\'s config, so redeploys keep every key. Anyone with the seed can derive every tenant\'s key: keep it like a master key.')
@secure()
@minLength(32)
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 64
      noSpecial: true
    }
  }
})
param masterKeySeed string

@description('Opt-in: one master key for every tenant without its own entry in tenantMasterKeys. Empty (the default) gives each tenant its own generated key.')
@secure()
param sharedMasterKey string = ''

@description('Master keys chosen by hand: tenant name -> key. Wins over the generated key and sharedMasterKey.')
@secure()
param tenantMasterKeys { *: string } = {}

@description('The shared provider keys to hold in Key Vault, by the environment variable the app reads them from (for example OPENAI_API_KEY, used in gateway.yaml as os.environ/OPENAI_API_KEY). Each becomes a secret and, in every tenant without its own key of that name, a Key Vault reference app setting of that name. Listed here, not taken from providerKeys, so the deployment\'s shape never depends on a secure value.')
param providerKeyNames string[] = []

@description('The shared provider key values: environment variable name -> key, one for each name in providerKeyNames.')
@secure()
param providerKeys { *: string } = {}

@description('Per-tenant provider key values: tenant name -> { environment variable name -> key }, one for each name in that tenant\'s providerKeyNames.')
@secure()
param tenantProviderKeys { *: { *: string } } = {}

@description('Alert channel URLs and the webhook signing secret to hold in Key Vault, by the variable the app reads (docs/alerts.md): each becomes a secret and, in every tenant without its own of that name (its providerKeyNames), a Key Vault reference app setting. Values in alertSettings. A tenant\'s own channel goes in its providerKeyNames and tenantProviderKeys, as a provider key does.')
@allowed(['SLACK_WEBHOOK_URL', 'TEAMS_WEBHOOK_URL', 'WEBHOOK_URL', 'GATEWAY_WEBHOOK_SIGNING_SECRET'])
param alertSettingNames string[] = []

@description('The alert setting values (secret): variable name -> URL or signing secret, one for each name in alertSettingNames.')
@secure()
param alertSettings { *: string } = {}

@description('Resource id of an Azure OpenAI account every tenant may call with its managed identity (a tenant\'s azureOpenAiAccountId overrides it); empty for none.')
param azureOpenAiAccountId string = ''

@description('functionAppConfig.runtime.version for the Flex Consumption custom handler runtime.')
param customRuntimeVersion string = '1.0'

@description('Key Vault purge protection.')
param keyVaultPurgeProtection bool = true

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var consumerGroupName = 'spend-ingest'

var names = {
  resourceGroup: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  eventHubsNamespace: 'evhns-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
}

var tenantResources = [
  for t in tenants: {
    appName: 'func-${t.name}-${resourceToken}'
    planName: 'plan-${t.name}-${resourceToken}'
    identityName: 'id-${t.name}-${resourceToken}'
    storageAccountName: 'st${take(replace(t.name, '-', ''), 9)}${uniqueString(subscription().id, environmentName, location, t.name)}'
    eventHubName: 'spend-${t.name}'
    masterKeySecretName: 'master-key-${t.name}'
  }
]

// A tenant's own provider keys: secret <tenant>--<variable>, so no name can meet a shared key's secret.
var tenantOwnProviderSecrets = [
  for t in tenants: map(t.?providerKeyNames ?? [], envName => {
    envName: envName
    secretName: '${t.name}--${toLower(replace(envName, '_', '-'))}'
  })
]

// Alert channel URLs and the signing secret travel as provider keys do: a secret per variable, a reference per app.
var providerSecrets providerSecret[] = [
  for envName in concat(providerKeyNames, alertSettingNames): {
    envName: envName
    secretName: toLower(replace(envName, '_', '-'))
  }
]

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  scope: rg
  params: {
    namespaceName: names.eventHubsNamespace
    location: location
    tags: tags
    hubNames: [for t in tenantResources: t.eventHubName]
    consumerGroupName: consumerGroupName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    masterKeySecrets: [
      for (t, i) in tenants: {
        tenant: t.name
        secretName: tenantResources[i].masterKeySecretName
        version: t.?masterKeyVersion ?? 0
      }
    ]
    masterKeySeed: masterKeySeed
    sharedMasterKey: sharedMasterKey
    tenantMasterKeys: tenantMasterKeys
    providerKeys: union(providerKeys, alertSettings)
    providerSecrets: providerSecrets
    tenantProviderKeys: tenantProviderKeys
    tenantProviderSecrets: flatten(map(
      range(0, length(tenants)),
      i => map(tenantOwnProviderSecrets[i], secret => union(secret, { tenant: tenants[i].name }))
    ))
    enablePurgeProtection: keyVaultPurgeProtection
  }
}

module tenantApps 'modules/tenant.bicep' = [
  for (t, i) in tenants: {
    name: 'tenant-${t.name}'
    scope: rg
    params: {
      tenant: t
      location: location
      tags: tags
      isAzdServiceTarget: i == 0
      appName: tenantResources[i].appName
      planName: tenantResources[i].planName
      identityName: tenantResources[i].identityName
      storageAccountName: tenantResources[i].storageAccountName
      eventHubsNamespaceName: names.eventHubsNamespace
      eventHubName: tenantResources[i].eventHubName
      consumerGroupName: consumerGroupName
      keyVaultName: names.keyVault
      masterKeySecretName: tenantResources[i].masterKeySecretName
      // The tenant's own provider keys replace the shared ones of the same name.
      providerSecrets: concat(
        filter(providerSecrets, shared => !contains(t.?providerKeyNames ?? [], shared.envName)),
        tenantOwnProviderSecrets[i]
      )
      applicationInsightsName: names.applicationInsights
      azureOpenAiAccountId: azureOpenAiAccountId
      customRuntimeVersion: customRuntimeVersion
    }
    dependsOn: [
      monitoring
      eventHubs
      keyVault
    ]
  }
]

@description('The resource group.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('The region.')
output AZURE_LOCATION string = location

@description('Each tenant\'s gateway endpoint, in the order of the tenants parameter (OpenAI base URL: <endpoint>/v1).')
output GATEWAY_ENDPOINTS string[] = [for (t, i) in tenants: tenantApps[i].outputs.endpoint]

@description('Each tenant\'s function app name, space-separated (the azd postdeploy hook deploys the package to all of them).')
output GATEWAY_FUNCTION_APP_NAMES string = join(map(tenantResources, t => t.appName), ' ')

@description('The function app azd deploys the gateway service to (the first tenant\'s).')
output AZURE_FUNCTION_APP_NAME string = tenantResources[0].appName

@description('The Key Vault holding the master keys and provider keys.')
output AZURE_KEY_VAULT_NAME string = names.keyVault
