// Key Vault (Azure RBAC authorization, no access policies) holding each tenant's gateway master key and the shared
// provider keys. Apps read them through Key Vault references with their user-assigned identity
// (Key Vault Secrets User on exactly the secrets they use, granted in tenant.bicep).

import { providerSecret } from '../types.bicep'

@description('Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('One master-key secret per tenant: tenant name -> secret name.')
param masterKeySecretNames { *: string }

@description('The master key used for every tenant without its own entry in tenantMasterKeys. It is stored with an sk- prefix.')
@secure()
@minLength(32)
param masterKey string

@description('Per-tenant master keys (tenant name -> key), for tenants that must not share one.')
@secure()
param tenantMasterKeys { *: string } = {}

@description('Provider keys (environment variable name -> key), for example { OPENAI_API_KEY: "sk-..." }.')
@secure()
param providerKeys { *: string } = {}

@description('The provider secrets to create: environment variable name and secret name for every key in providerKeys.')
param providerSecrets providerSecret[]

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

resource masterKeys 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = [
  for entry in items(masterKeySecretNames): {
    parent: vault
    name: entry.value
    properties: {
      contentType: 'text/plain'
      value: startsWith(tenantMasterKeys[?entry.key] ?? masterKey, 'sk-')
        ? (tenantMasterKeys[?entry.key] ?? masterKey)
        : 'sk-${tenantMasterKeys[?entry.key] ?? masterKey}'
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

@description('The vault name.')
output name string = vault.name

@description('The master-key secret names created.')
output masterKeySecretNames string[] = [for (entry, i) in items(masterKeySecretNames): masterKeys[i].name]

@description('The provider secret names created.')
output providerSecretNames string[] = [for (secret, i) in providerSecrets: providerKeySecrets[i].name]
