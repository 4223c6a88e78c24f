// Key Vault (Azure RBAC authorization, no access policies) holding each tenant's gateway master key, the shared
// provider keys and each tenant's own provider keys. Apps read them through Key Vault references with their user-assigned identity
// (Key Vault Secrets User on exactly the secrets they use, granted in tenant.bicep).

import { providerSecret, tenantMasterKey } from '../types.bicep'

@description('Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('One master-key secret per tenant: its name and the tenant\'s key version.')
param masterKeySecrets { tenant: string, secretName: string, version: int }[]

@description('The seed each tenant\'s generated master key is derived from.')
@secure()
@minLength(32)
param masterKeySeed string

@description('Opt-in: one master key for every tenant without its own entry in tenantMasterKeys; empty for a generated key per tenant. Stored with an sk- prefix.')
@secure()
param sharedMasterKey string = ''

@description('Master keys chosen by hand (tenant name -> key); they win over the generated and the shared key.')
@secure()
param tenantMasterKeys { *: string } = {}

@description('Provider keys (environment variable name -> key), for example { OPENAI_API_KEY: "sk-..." }.')
@secure()
param providerKeys { *: string } = {}

@description('The provider secrets to create: environment variable name and secret name for every key in providerKeys.')
param providerSecrets providerSecret[]

@description('Per-tenant provider key values: tenant name -> { environment variable name -> key }.')
@secure()
param tenantProviderKeys { *: { *: string } } = {}

@description('The per-tenant provider secrets to create: tenant, environment variable name and secret name.')
param tenantProviderSecrets { tenant: string, envName: string, secretName: string }[] = []

@description('Purge protection (recommended; it also means a deleted vault keeps its name for the retention period).')
param enablePurgeProtection bool = true

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Each tenant's key: chosen by hand, else the opt-in shared key, else its own generated key.
var masterKeyValues = [
  for m in masterKeySecrets: tenantMasterKeys[?m.tenant] ?? (empty(sharedMasterKey) ? tenantMasterKey(masterKeySeed, m.tenant, m.version) : sharedMasterKey)
]

resource masterKeys 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = [
  for (m, i) in masterKeySecrets: {
    parent: vault
    name: m.secretName
    properties: {
      contentType: 'text/plain'
      value: startsWith(masterKeyValues[i], 'sk-') ? masterKeyValues[i] : 'sk-${masterKeyValues[i]}'
    }
  }
]

resource providerKeySecrets 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = [
  for secret in providerSecrets: {
    parent: vault
    name: secret.secretName
    properties: {
      contentType: 'text/plain'
      value: providerKeys[secret.envName]
    }
  }
]

resource tenantProviderKeySecrets 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = [
  for secret in tenantProviderSecrets: {
    parent: vault
    name: secret.secretName
    properties: {
      contentType: 'text/plain'
      value: tenantProviderKeys[secret.tenant][secret.envName]
    }
  }
]

@description('The vault name.')
output name string = vault.name

@description('The master-key secret names created.')
output masterKeySecretNames string[] = [for (m, i) in masterKeySecrets: masterKeys[i].name]

@description('The provider secret names created.')
output providerSecretNames string[] = [for (secret, i) in providerSecrets: providerKeySecrets[i].name]

@description('The per-tenant provider secret names created.')
output tenantProviderSecretNames string[] = [for (secret, i) in tenantProviderSecrets: tenantProviderKeySecrets[i].name]
