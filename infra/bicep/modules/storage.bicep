// A tenant's storage account: Entra ID only (shared keys disabled), HTTPS only, TLS 1.2, no public blob access.
// It holds the Functions host's blobs (AzureWebJobsStorage: leases, timer schedules, Event Hubs checkpoints), the
// Flex Consumption deployment container, and the gateway's tables.

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('The blob container Flex Consumption deploys the app package to.')
param deploymentContainerName string

@description('The tables the gateway uses.')
param tableNames string[]

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for table in tableNames: {
    parent: tableService
    name: table
  }
]

@description('The storage account name.')
output name string = account.name

@description('The deployment container name.')
output deploymentContainerName string = deploymentContainer.name

@description('The table names.')
output tableNames string[] = [for (table, i) in tableNames: tables[i].name]
