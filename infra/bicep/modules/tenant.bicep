// One tenant of the gateway: its own storage account, user-assigned managed identity, Flex Consumption plan (FC1) and
// function app running the gateway's Native AOT binary as a custom handler, with least-privilege role assignments on
// the narrowest scope each needs.

import { tenantConfig, providerSecret } from '../types.bicep'

@description('The tenant.')
param tenant tenantConfig

@description('Region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Whether this tenant\'s app carries the azd-service-name tag (exactly one app may; azd deploys the others in its postdeploy hook).')
param isAzdServiceTarget bool

@description('Function app name.')
param appName string

@description('Flex Consumption plan name.')
param planName string

@description('User-assigned managed identity name.')
param identityName string

@description('Storage account name.')
param storageAccountName string

@description('Event Hubs namespace (created by eventhubs.bicep).')
param eventHubsNamespaceName string

@description('This tenant\'s spend event hub.')
param eventHubName string

@description('The consumer group spend-ingest reads with.')
param consumerGroupName string

@description('Key Vault (created by keyvault.bicep).')
param keyVaultName string

@description('This tenant\'s master-key secret.')
param masterKeySecretName string

@description('Provider keys in Key Vault to expose to the app as Key Vault references.')
param providerSecrets providerSecret[]

@description('Application Insights component (created by monitoring.bicep).')
param applicationInsightsName string

@description('Resource id of an Azure OpenAI account the app may call with its identity; empty for none.')
param azureOpenAiAccountId string

@description('functionAppConfig.runtime.version for the custom handler runtime.')
param customRuntimeVersion string

var deploymentContainerName = 'app-package'
var tablePrefix = 'gateway'
var tableNames = [
  '${tablePrefix}governance' // virtual keys, teams, users and their counters (the store reads <prefix>governance)
  '${tablePrefix}spendlogs' // one row per priced call, written by spend-ingest
  '${tablePrefix}spendrollups' // per key/team/user/model totals, written by spend-ingest
  '${tablePrefix}responsecache' // cached answers of the response cache (litellm_settings.cache, type: store)
  '${tablePrefix}responses' // responses kept by /v1/responses (store: true) for GET and previous_response_id
]
var storageSuffix = environment().suffixes.storage
var blobEndpoint = 'https://${storageAccountName}.blob.${storageSuffix}/'
var tableEndpoint = 'https://${storageAccountName}.table.${storageSuffix}/'
var keyVaultUri = 'https://${keyVaultName}${environment().suffixes.keyvaultDns}'
var openAiAccountId = tenant.?azureOpenAiAccountId ?? azureOpenAiAccountId

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975'
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

module storage 'storage.bicep' = {
  name: 'storage-${tenant.name}'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    tableNames: tableNames
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource tableService 'tableServices' existing = {
    name: 'default'

    resource tables 'tables' existing = [
      for table in tableNames: {
        name: table
      }
    ]
  }
}

resource eventHubsNamespace 'Microsoft.EventHub/namespaces@2026-01-01' existing = {
  name: eventHubsNamespaceName

  resource hub 'eventhubs' existing = {
    name: eventHubName
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName

  resource masterKey 'secrets' existing = {
    name: masterKeySecretName
  }

  resource providerKeys 'secrets' existing = [
    for secret in providerSecrets: {
      name: secret.secretName
    }
  ]
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// --- Role assignments: each on the narrowest scope that works ---

// The Functions host's own storage (AzureWebJobsStorage: it creates its containers for leases, timer schedules and
// Event Hubs checkpoints) and the Flex deployment container: Blob Data Owner on this tenant's own account.
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, identity.id, roles.storageBlobDataOwner)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    storage
  ]
}

// The gateway's tables: Table Data Contributor on each table, not the account.
resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (table, i) in tableNames: {
    name: guid(storageAccount::tableService::tables[i].id, identity.id, roles.storageTableDataContributor)
    scope: storageAccount::tableService::tables[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
    dependsOn: [
      storage
    ]
  }
]

// Spend events: send (the gateway) and receive (spend-ingest) on this tenant's hub only.
resource hubSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventHubsNamespace::hub.id, identity.id, roles.eventHubsDataSender)
  scope: eventHubsNamespace::hub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventHubsDataSender)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource hubReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventHubsNamespace::hub.id, identity.id, roles.eventHubsDataReceiver)
  scope: eventHubsNamespace::hub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventHubsDataReceiver)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Secrets: read only this tenant's master key and the provider keys, each on the secret itself.
resource masterKeyReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault::masterKey.id, identity.id, roles.keyVaultSecretsUser)
  scope: keyVault::masterKey
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource providerKeyReaders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (secret, i) in providerSecrets: {
    name: guid(keyVault::providerKeys[i].id, identity.id, roles.keyVaultSecretsUser)
    scope: keyVault::providerKeys[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Telemetry with Entra ID auth (the component has local auth disabled).
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Azure OpenAI with the app's identity, when an account is given (it may be in another resource group or subscription).
module openAiUser 'openai-role.bicep' = if (!empty(openAiAccountId)) {
  name: 'openai-user-${tenant.name}'
  scope: resourceGroup(split(openAiAccountId, '/')[2], split(openAiAccountId, '/')[4])
  params: {
    accountName: last(split(openAiAccountId, '/'))
    principalId: identity.properties.principalId
    identityResourceId: identity.id
  }
}

// --- The app ---

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

var keyVaultReference = '@Microsoft.KeyVault(SecretUri=${keyVaultUri}/secrets/${masterKeySecretName}/)'
var eventHubsFullyQualifiedNamespace = replace(
  replace(eventHubsNamespace.properties.serviceBusEndpoint, 'https://', ''),
  ':443/',
  ''
)

// The settings the template owns; a tenant's own settings cannot override them.
var platformSettings = {
  // Functions host storage, identity-based (no connection string, no account key).
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  // The spend-ingest Event Hubs trigger's connection "SpendEventHub", identity-based.
  SpendEventHub__fullyQualifiedNamespace: eventHubsFullyQualifiedNamespace
  SpendEventHub__credential: 'managedidentity'
  SpendEventHub__clientId: identity.properties.clientId
  SPEND_EVENTHUB_NAME: eventHubName
  SPEND_EVENTHUB_CONSUMER_GROUP: consumerGroupName
  // The gateway itself.
  GATEWAY_TENANT: tenant.name
  GATEWAY_STORE: 'tables'
  GATEWAY_TABLES_ENDPOINT: tableEndpoint
  GATEWAY_TABLE_PREFIX: tablePrefix
  GATEWAY_SPEND_SINK: 'eventhubs'
  GATEWAY_EVENTHUBS_NAMESPACE: eventHubsFullyQualifiedNamespace
  GATEWAY_EVENTHUBS_HUB: eventHubName
  GATEWAY_MASTER_KEY: keyVaultReference
  AZURE_CLIENT_ID: identity.properties.clientId
  // Telemetry with the app's identity.
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
}

var providerKeySettings = toObject(
  providerSecrets,
  secret => secret.envName,
  secret => '@Microsoft.KeyVault(SecretUri=${keyVaultUri}/secrets/${secret.secretName}/)'
)

var appSettings = union(tenant.?settings ?? {}, providerKeySettings, platformSettings)

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'gateway-tenant': tenant.name }, isAzdServiceTarget ? { 'azd-service-name': 'gateway' } : {})
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: tenant.?maximumInstanceCount ?? 100
        instanceMemoryMB: tenant.?instanceMemoryMB ?? 2048
      }
      runtime: {
        name: 'custom'
        version: customRuntimeVersion
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: map(items(appSettings), setting => {
        name: setting.key
        value: setting.value
      })
    }
  }
  dependsOn: [
    storage
    blobOwner
    tableContributor
    hubSender
    hubReceiver
    masterKeyReader
    providerKeyReaders
    telemetryPublisher
  ]
}

// No publishing with basic (user name and password) credentials: deployment uses Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('The tenant\'s gateway endpoint (OpenAI base URL is <endpoint>/v1).')
output endpoint string = 'https://${site.properties.defaultHostName}'

@description('The function app name.')
output appName string = site.name

@description('The managed identity\'s client id.')
output identityClientId string = identity.properties.clientId
